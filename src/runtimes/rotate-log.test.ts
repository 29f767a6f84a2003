import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rotateLog } from './rotate-log.js';

describe('rotateLog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bubo-rotate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves a log under the limit alone', async () => {
    const log = join(dir, 'small.log');
    const fd = openSync(log, 'a');
    writeSync(fd, 'short\n');
    closeSync(fd);
    expect(await rotateLog(log, 100, 3)).toBe(false);
    expect(readFileSync(log, 'utf8')).toBe('short\n');
  });

  it('copies, truncates and shifts, and an O_APPEND writer keeps writing at the new start', async () => {
    const log = join(dir, 'web.log');
    const fd = openSync(log, 'a');
    for (const round of ['a', 'b', 'c', 'd']) {
      writeSync(fd, `${round.repeat(20)}\n`);
      expect(await rotateLog(log, 10, 2)).toBe(true);
    }
    writeSync(fd, 'after\n');
    closeSync(fd);
    expect(readFileSync(log, 'utf8')).toBe('after\n');
    expect(readFileSync(`${log}.1`, 'utf8')).toBe(`${'d'.repeat(20)}\n`);
    expect(readFileSync(`${log}.2`, 'utf8')).toBe(`${'c'.repeat(20)}\n`);
    expect(() => readFileSync(`${log}.3`)).toThrow();
  });
});
