import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogResponse } from '../../src/api/catalog.js';
import { saveCatalogFile } from '../../src/dns/catalog-file.js';
import { type CatalogFileWatch, watchCatalogFile } from '../../src/dns/watch-catalog-file.js';

const catalog = (index: number, address = '10.88.1.2'): CatalogResponse => ({
  index,
  services: [{ app: 'shop', namespace: 'default', ports: [], instances: [{ id: `shop-${index}`, address, host: 'h1' }] }],
});

/** Collects delivered catalogs; `next(index)` resolves when that index arrives (no sleeps). */
function collector() {
  const seen: number[] = [];
  const waiters = new Map<number, () => void>();
  return {
    seen,
    onCatalog: (c: CatalogResponse) => {
      seen.push(c.index);
      waiters.get(c.index)?.();
    },
    next: (index: number) => (seen.includes(index) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(index, resolve))),
  };
}

describe('watchCatalogFile', () => {
  let dir: string;
  let file: string;
  let watch: CatalogFileWatch | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-catalog-watch-'));
    file = join(dir, 'catalog.json');
  });
  afterEach(async () => {
    watch?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers the saved catalog before it resolves, then each catalog the agent saves', async () => {
    await saveCatalogFile(file, catalog(1));
    const c = collector();
    watch = await watchCatalogFile(file, c.onCatalog, { pollMs: 60_000 });
    expect(c.seen).toEqual([1]);
    await saveCatalogFile(file, catalog(2));
    await c.next(2);
    await saveCatalogFile(file, catalog(3, '10.88.1.3'));
    await c.next(3);
    expect(c.seen).toEqual([1, 2, 3]);
  });

  it('starts without a file and picks it up when the agent first saves one', async () => {
    const c = collector();
    watch = await watchCatalogFile(file, c.onCatalog, { pollMs: 60_000 });
    expect(c.seen).toEqual([]);
    await saveCatalogFile(file, catalog(5));
    await c.next(5);
  });

  it('notices changes by the periodic stat alone when there is no directory watch', async () => {
    await saveCatalogFile(file, catalog(1));
    const c = collector();
    watch = await watchCatalogFile(file, c.onCatalog, { pollMs: 20, fsWatch: false });
    await saveCatalogFile(file, catalog(2));
    await c.next(2);
    expect(c.seen).toEqual([1, 2]);
  });

  it('keeps the last catalog when the file is damaged, says so once, and takes the next good one', async () => {
    await saveCatalogFile(file, catalog(1));
    const c = collector();
    const lines: string[] = [];
    let damagedSeen: () => void = () => {};
    const damaged = new Promise<void>((resolve) => (damagedSeen = resolve));
    watch = await watchCatalogFile(file, c.onCatalog, {
      pollMs: 20,
      log: (line) => {
        lines.push(line);
        damagedSeen();
      },
    });
    await writeFile(`${file}.next`, '{"index": "not a number"');
    await rename(`${file}.next`, file);
    await damaged;
    await saveCatalogFile(file, catalog(2));
    await c.next(2);
    expect(c.seen).toEqual([1, 2]);
    expect(lines).toEqual([`dns: cannot read the catalog in ${file}; answering from the last one`]);
  });
});
