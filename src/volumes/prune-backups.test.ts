import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupName, pruneBackups } from './backup-archive.js';

describe('pruneBackups', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-prune-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const day = (n: number) => Date.parse('2026-12-01T03:00:00Z') + n * 86_400_000;
  const make = async (id: string, at: number) => {
    const name = backupName(id, at);
    await writeFile(join(dir, name), 'archive');
    await writeFile(join(dir, `${name}.sha256`), 'sum');
    return name;
  };

  it('keeps the newest `keep` archives of the volume with their sums, and nothing else is touched', async () => {
    const mine = [];
    for (const n of [3, 0, 2, 1]) mine.push(await make('default.pg.data.1', day(n)));
    const neighbour = await make('default.pg.data.10', day(0));
    await writeFile(join(dir, 'default.pg.data.1-by-hand.tar.gz'), 'a copy the DBA made');
    const removed = await pruneBackups(dir, 'default.pg.data.1', 2);
    expect(removed).toEqual([join(dir, backupName('default.pg.data.1', day(0))), join(dir, backupName('default.pg.data.1', day(1)))]);
    expect((await readdir(dir)).sort()).toEqual(
      [backupName('default.pg.data.1', day(2)), backupName('default.pg.data.1', day(3)), neighbour, 'default.pg.data.1-by-hand.tar.gz'].flatMap((n) => (n.endsWith('by-hand.tar.gz') ? [n] : [n, `${n}.sha256`])).sort(),
    );
    expect(mine).toHaveLength(4);
  });

  it('deletes nothing when there are no more than `keep`, or no directory yet', async () => {
    await make('default.pg.data.0', day(0));
    expect(await pruneBackups(dir, 'default.pg.data.0', 7)).toEqual([]);
    expect(await pruneBackups(join(dir, 'missing'), 'default.pg.data.0', 1)).toEqual([]);
  });
});
