import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditFileSink } from './audit-file-sink.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-audit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = (n: number) => ({ at: Date.parse('2026-12-03T12:00:00Z') + n, actor: 'admin', role: 'admin', method: 'POST', route: '/v1/deploy', target: '/v1/deploy', status: 201, code: null });

describe('auditFileSink', () => {
  it('appends one JSON line per record, in order, to a 0600 file', async () => {
    const path = join(dir, 'audit.jsonl');
    const sink = auditFileSink(path, () => {});
    for (let n = 0; n < 50; n++) sink.write(record(n));
    await sink.idle();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(50);
    expect(lines[0]).toEqual({ ...record(0), at: '2026-12-03T12:00:00.000Z' });
    expect(lines.map((l) => l.at)).toEqual([...lines.map((l) => l.at)].sort());
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('reports a file it cannot write, and keeps going', async () => {
    const reports: string[] = [];
    const sink = auditFileSink(join(dir, 'missing-dir', 'audit.jsonl'), (line) => reports.push(line));
    sink.write(record(1));
    await sink.idle();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('cannot append to the audit log');
  });
});
