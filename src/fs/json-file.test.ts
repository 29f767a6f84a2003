import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJsonFile } from './read-json-file.js';
import { writeJsonFile } from './write-json-file.js';

const Shape = z.object({ n: z.number() });

describe('writeJsonFile and readJsonFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-json-file-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips a value, creating the directory, with the mode asked and no temporary file left', async () => {
    const path = join(dir, 'a', 'b', 'state.json');
    await writeJsonFile(path, { n: 1 }, { mode: 0o600 });
    expect(await readJsonFile(path, Shape)).toEqual({ n: 1 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['state.json']);
  });

  it('writes one line, or indented when asked', async () => {
    const path = join(dir, 'state.json');
    await writeJsonFile(path, { n: 1 });
    expect(await readFile(path, 'utf8')).toBe('{"n":1}\n');
    await writeJsonFile(path, { n: 2 }, { indent: 2 });
    expect(await readFile(path, 'utf8')).toBe('{\n  "n": 2\n}\n');
  });

  it.each([
    ['missing', null],
    ['not JSON', '{"n": 1'],
    ['of another shape', '{"n": "one"}'],
  ])('reads a file that is %s as null', async (_what, content) => {
    const path = join(dir, 'state.json');
    if (content !== null) await writeFile(path, content);
    expect(await readJsonFile(path, Shape)).toBeNull();
  });

  it('concurrent writers leave one whole file, never a mix', async () => {
    const path = join(dir, 'state.json');
    const big = (n: number) => ({ n, pad: 'x'.repeat(200_000 + n) });
    await Promise.all(Array.from({ length: 8 }, (_, n) => writeJsonFile(path, big(n))));
    const read = await readJsonFile(path, z.object({ n: z.number(), pad: z.string() }));
    expect(read).not.toBeNull();
    expect(read!.pad.length).toBe(200_000 + read!.n);
  });
});

describe('writeJsonFile order', () => {
  it('lands concurrent writes of one path in call order: the last call wins', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bubo-json-order-'));
    const path = join(dir, 'state.json');
    // The first write is the largest, so without the queue it would finish (rename) last.
    await Promise.all([writeJsonFile(path, { n: 0, pad: 'x'.repeat(5_000_000) }), writeJsonFile(path, { n: 1 }), writeJsonFile(path, { n: 2 })]);
    expect(await readJsonFile(path, Shape)).toMatchObject({ n: 2 });
    expect(await readdir(dir)).toEqual(['state.json']);
    await rm(dir, { recursive: true, force: true });
  });
});
