import { open, stat } from 'node:fs/promises';

export interface ReadLogFileOptions {
  /** After the history, keep yielding lines appended to `path` until `signal` aborts or `path` is removed. */
  follow: boolean;
  /** Only the last N lines of the history (rotated copies included). */
  tailLines?: number;
  /** Skips history files last modified before this time (ms); see `readLogFile`. */
  sinceMs?: number;
  signal: AbortSignal;
  /** How often a followed file is checked for growth; default 250 ms (fs.watch misses changes on some filesystems). */
  pollMs?: number;
  /** Rotated copies `path.1` … `path.<rotatedFiles>` read (oldest first) before `path`; default 3. */
  rotatedFiles?: number;
}

export interface LogFileLine {
  line: string;
  /** When the line was read live while following (within `pollMs` of its writing); null for history. */
  at: number | null;
}

/** A line longer than this without a newline is yielded as it is, so a runaway writer cannot fill memory. */
const MAX_LINE_BYTES = 64 * 1024;

/**
 * The lines of a log file written raw by a process (no timestamps of their own), with the
 * copy-truncate rotation of `rotate-log.ts`: history from `path.<n>` … `path.1`, then `path`, then,
 * when following, what is appended. Per-line times are unknown: `sinceMs` filters whole files by
 * their modification time (a file modified after `sinceMs` is read whole, so older lines in it
 * pass), and `at` is only set for lines read live.
 *
 * Following polls the size. A rotation (copy to `path.1`, truncate `path`) is noticed by `path.1`
 * changing: the lines appended between the last poll and the copy are read from `path.1` at the
 * old offset, then `path` from 0, so none is lost or repeated. (When `path` has not shrunk yet, two
 * more polls are given to the truncate; a rotation slower than that may repeat lines.) A plain
 * truncation restarts at offset 0.
 */
export async function* readLogFile(path: string, options: ReadLogFileOptions): AsyncGenerator<LogFileLine> {
  const { signal, pollMs = 250, rotatedFiles = 3 } = options;
  const rotated = `${path}.1`;
  let rotatedStamp = await stampOf(rotated);
  const history = await readHistory(path, rotatedFiles, options.tailLines, options.sinceMs);
  for (const line of history.lines) {
    if (signal.aborted) return;
    yield { line, at: null };
  }
  let pos = history.currentBytes;
  let carry: Buffer = history.carry;
  let waitedForTruncate = 0;
  if (!options.follow) {
    if (carry.length > 0) yield { line: carry.toString('utf8'), at: null };
    return;
  }
  const emit = function* (bytes: Buffer, flush: boolean): Generator<LogFileLine> {
    const split = splitLines(Buffer.concat([carry, bytes]), flush);
    carry = split.rest;
    const at = Date.now();
    for (const line of split.lines) yield { line, at };
  };
  while (!signal.aborted) {
    await sleep(pollMs, signal);
    if (signal.aborted) return;
    const current = await stat(path).catch(() => null);
    if (!current) return; // The instance was removed.
    const stamp = await stampOf(rotated);
    if (stamp.key !== rotatedStamp.key) {
      // Rotated, or being rotated (copied, not yet truncated): give the truncate a poll or two.
      // A file already smaller than its copy, or than what was read, has been truncated.
      if (current.size >= stamp.size && current.size >= pos && waitedForTruncate++ < 2) continue;
      waitedForTruncate = 0;
      if (stamp.size > pos) yield* emit(await readRange(rotated, pos, stamp.size), false);
      yield* emit(Buffer.alloc(0), true);
      rotatedStamp = stamp;
      pos = 0;
    } else if (current.size < pos) {
      yield* emit(Buffer.alloc(0), true); // Truncated in place.
      pos = 0;
    }
    if (current.size > pos) {
      const bytes = await readRange(path, pos, current.size);
      pos += bytes.length;
      yield* emit(bytes, false);
    }
  }
}

interface History {
  lines: string[];
  /** Bytes of `path` read. */
  currentBytes: number;
  /** An unfinished last line of `path`. */
  carry: Buffer;
}

async function readHistory(path: string, rotatedFiles: number, tailLines: number | undefined, sinceMs: number | undefined): Promise<History> {
  const current = await readRange(path, 0).catch(() => Buffer.alloc(0));
  const currentStat = await stat(path).catch(() => null);
  const wanted = (mtimeMs: number | undefined) => sinceMs === undefined || (mtimeMs !== undefined && mtimeMs >= sinceMs);
  const { lines: currentLines, rest } = splitLines(current, false);
  const lines: string[] = wanted(currentStat?.mtimeMs) ? currentLines : [];
  // Newest rotated copy first, stopping once the tail is full.
  for (let n = 1; n <= rotatedFiles; n++) {
    if (tailLines !== undefined && lines.length >= tailLines) break;
    const copy = `${path}.${n}`;
    const copyStat = await stat(copy).catch(() => null);
    if (!copyStat) break;
    if (!wanted(copyStat.mtimeMs)) break; // Older copies are older still.
    const bytes = await readRange(copy, 0).catch(() => Buffer.alloc(0));
    lines.unshift(...splitLines(bytes, true).lines);
  }
  const kept = tailLines === undefined ? lines : tailLines === 0 ? [] : lines.slice(-tailLines);
  return { lines: kept, currentBytes: current.length, carry: rest };
}

/** Complete lines of `bytes` and the unfinished rest (yielded as a line when `flush`, or when too long). */
function splitLines(bytes: Buffer, flush: boolean): { lines: string[]; rest: Buffer } {
  const lines: string[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(10, start); nl !== -1; nl = bytes.indexOf(10, start)) {
    lines.push(bytes.subarray(start, nl).toString('utf8'));
    start = nl + 1;
  }
  let rest = bytes.subarray(start);
  if ((flush && rest.length > 0) || rest.length > MAX_LINE_BYTES) {
    lines.push(rest.toString('utf8'));
    rest = Buffer.alloc(0);
  }
  return { lines, rest: Buffer.from(rest) };
}

/** Bytes `start` to `end` (default: the end of the file); fewer when the file is shorter. */
async function readRange(path: string, start: number, end?: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const stop = end ?? (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.max(0, stop - start));
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, start + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** Identity of a rotated copy: it changes whenever a rotation replaces the file. */
async function stampOf(path: string): Promise<{ key: string; size: number }> {
  const s = await stat(path).catch(() => null);
  return s ? { key: `${s.ino}:${s.size}:${s.mtimeMs}`, size: s.size } : { key: 'none', size: 0 };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
