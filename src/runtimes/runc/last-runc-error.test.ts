import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastRuncError } from './last-runc-error.js';

describe('lastRuncError', () => {
  it.each([
    ['the last error line', ['{"level":"info","msg":"x"}', '{"level":"error","msg":"first"}', '{"level":"error","msg":"runc run failed: no such file"}'], 'runc run failed: no such file'],
    ['none', ['{"level":"info","msg":"x"}', 'not json'], null],
    [
      'a refusal that quotes an environment variable, without the variable',
      ['{"level":"error","msg":"runc run failed: environment variable value can\'t contain null(\\\\x00): \\"TOKEN=s3cr\\\\x00et\\""}'],
      "runc run failed: environment variable value can't contain null(\\x00): (the variable is not shown)",
    ],
  ])('finds %s', async (_what, lines, expected) => {
    const dir = await mkdtemp(join(tmpdir(), 'bubo-runclog-'));
    try {
      await writeFile(join(dir, 'c.runc.log'), `${lines.join('\n')}\n`);
      expect(await lastRuncError(join(dir, 'c.runc.log'))).toBe(expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
