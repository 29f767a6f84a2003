import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../logs/log-line.js';
import { InstanceLayout } from './instance-layout.js';
import { readContainerLogs } from './read-container-logs.js';
import { rotateLog } from '../rotate-log.js';

let stateDir: string;
let layout: InstanceLayout;
beforeEach(async () => {
  stateDir = await mkdtemp(`${tmpdir()}/bubo-runc-logs-`);
  layout = new InstanceLayout(stateDir, 'shop-1');
  await mkdir(layout.dir, { recursive: true });
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe('readContainerLogs', () => {
  it('reads every container, the tail applying per container', async () => {
    await writeFile(layout.log('web'), 'w1\nw2\nw3\n');
    await writeFile(`${layout.log('sidecar')}.1`, 's1\n');
    await writeFile(layout.log('sidecar'), 's2\n');
    const lines: LogLine[] = [];
    for await (const l of readContainerLogs(layout, ['web', 'sidecar'], { follow: false, tailLines: 2, signal: new AbortController().signal })) lines.push(l);
    expect(lines.filter((l) => l.container === 'web').map((l) => l.line)).toEqual(['w2', 'w3']);
    expect(lines.filter((l) => l.container === 'sidecar').map((l) => l.line)).toEqual(['s1', 's2']);
    expect(lines.every((l) => l.at === null)).toBe(true);
  });

  it('follows several containers through a rotation and stops on abort', async () => {
    await writeFile(layout.log('web'), '');
    await writeFile(layout.log('worker'), '');
    const controller = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const l of readContainerLogs(layout, ['web', 'worker'], { follow: true, pollMs: 10, signal: controller.signal })) {
        seen.push(`${l.container}:${l.line}`);
      }
    })();
    const until = async (n: number) => {
      for (let i = 0; i < 300 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    await appendFile(layout.log('web'), 'hello\n');
    await until(1);
    await appendFile(layout.log('worker'), 'job 1\n');
    await until(2);
    await rotateLog(layout.log('web'), 1, 3);
    await appendFile(layout.log('web'), 'after rotation\n');
    await until(3);
    controller.abort();
    await reading;
    expect(seen).toEqual(['web:hello', 'worker:job 1', 'web:after rotation']);
  });
});
