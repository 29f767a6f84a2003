import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitForFile } from './wait-for-file.js';

describe('waitForFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-wait-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns a file that is already there', async () => {
    await writeFile(join(dir, 'b'), '');
    expect(await waitForFile(dir, ['a', 'b'], 5000)).toBe('b');
  });

  it('returns the file created while it waits, not at its timeout (the test would time out first)', async () => {
    setTimeout(() => void writeFile(join(dir, 'a.tmp'), '').then(() => writeFile(join(dir, 'a'), '')), 30);
    expect(await waitForFile(dir, ['a'], 60_000)).toBe('a');
  });

  it('returns undefined at the timeout when no file comes', async () => {
    await writeFile(join(dir, 'other'), '');
    expect(await waitForFile(dir, ['a'], 150)).toBeUndefined();
  });

  it('returns undefined when aborted', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 30);
    expect(await waitForFile(dir, ['a'], 60_000, abort.signal)).toBeUndefined();
  });
});
