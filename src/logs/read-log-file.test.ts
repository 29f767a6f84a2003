import { appendFile, mkdtemp, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rotateLog } from '../runtimes/rotate-log.js';
import { type LogFileLine, type ReadLogFileOptions, readLogFile } from './read-log-file.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-log-'));
  path = join(dir, 'web.log');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function all(options: Partial<ReadLogFileOptions> = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const l of readLogFile(path, { follow: false, signal: new AbortController().signal, ...options })) out.push(l.line);
  return out;
}

/** Follows `path` in the background; `until(n)` resolves once n lines arrived. */
function follow(options: Partial<ReadLogFileOptions> = {}) {
  const controller = new AbortController();
  const lines: LogFileLine[] = [];
  const done = (async () => {
    for await (const l of readLogFile(path, { follow: true, pollMs: 10, signal: controller.signal, ...options })) lines.push(l);
  })();
  const until = async (n: number) => {
    const deadline = Date.now() + 3_000;
    while (lines.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    return lines.map((l) => l.line);
  };
  return { lines, until, done, stop: () => controller.abort() };
}

const settle = () => new Promise((r) => setTimeout(r, 60));

describe('readLogFile', () => {
  it('reads rotated copies oldest first, then the current file', async () => {
    await writeFile(`${path}.2`, 'a\nb\n');
    await writeFile(`${path}.1`, 'c\n');
    await writeFile(path, 'd\ne\n');
    expect(await all()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('keeps only the last N lines, across rotated copies', async () => {
    await writeFile(`${path}.1`, 'a\nb\nc\n');
    await writeFile(path, 'd\ne\n');
    expect(await all({ tailLines: 3 })).toEqual(['c', 'd', 'e']);
    expect(await all({ tailLines: 0 })).toEqual([]);
  });

  it('yields an unfinished last line when not following', async () => {
    await writeFile(path, 'one\ntwo');
    expect(await all()).toEqual(['one', 'two']);
  });

  it('yields nothing for a missing file', async () => {
    expect(await all()).toEqual([]);
  });

  it('skips whole files last modified before --since', async () => {
    await writeFile(`${path}.1`, 'old\n');
    await writeFile(path, 'new\n');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(`${path}.1`, hourAgo, hourAgo);
    expect(await all({ sinceMs: Date.now() - 60_000 })).toEqual(['new']);
    await utimes(path, hourAgo, hourAgo);
    expect(await all({ sinceMs: Date.now() - 60_000 })).toEqual([]);
  });

  it('follows appended lines, holding an unfinished line until its newline', async () => {
    await writeFile(path, 'old\n');
    const f = follow({ tailLines: 1 });
    expect(await f.until(1)).toEqual(['old']);
    await appendFile(path, 'new 1\nnew');
    expect(await f.until(2)).toEqual(['old', 'new 1']);
    await appendFile(path, ' 2\n');
    expect(await f.until(3)).toEqual(['old', 'new 1', 'new 2']);
    expect(f.lines[0]!.at).toBeNull();
    expect(f.lines[2]!.at).toEqual(expect.any(Number));
    f.stop();
    await f.done;
  });

  it('follows across a copy-truncate rotation without losing or repeating lines', async () => {
    await writeFile(path, 'a\n');
    const f = follow();
    expect(await f.until(1)).toEqual(['a']);
    // Written after the last poll and before the copy: only the rotated copy has it.
    await appendFile(path, 'b\n');
    await rotateLog(path, 1, 3);
    await appendFile(path, 'c\n');
    expect(await f.until(3)).toEqual(['a', 'b', 'c']);
    for (let round = 0; round < 3; round++) {
      await appendFile(path, `r${round}\n`);
      await settle();
      await rotateLog(path, 1, 3);
      await settle();
    }
    await appendFile(path, 'end\n');
    expect(await f.until(7)).toEqual(['a', 'b', 'c', 'r0', 'r1', 'r2', 'end']);
    await settle();
    expect(f.lines).toHaveLength(7);
    f.stop();
    await f.done;
  });

  it('starts again from the beginning when the file is truncated in place', async () => {
    await writeFile(path, 'one\ntwo\n');
    const f = follow();
    await f.until(2);
    await truncate(path, 0);
    await settle();
    await appendFile(path, 'three\n');
    expect(await f.until(3)).toEqual(['one', 'two', 'three']);
    f.stop();
    await f.done;
  });

  it('ends when the file is removed or the signal aborts', async () => {
    await writeFile(path, 'x\n');
    const f = follow();
    await f.until(1);
    await rm(path);
    await f.done; // resolves: the instance is gone
    await writeFile(path, 'y\n');
    const g = follow();
    await g.until(1);
    g.stop();
    await g.done;
  });
});
