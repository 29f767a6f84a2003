import { describe, expect, it } from 'vitest';
import { bootState, containerExits, containerLine, lastLines } from './console-log.js';

const names = new Set(['web', 'redis']);

describe('containerLine', () => {
  it.each([
    ['[web] GET / 200\r', { container: 'web', line: 'GET / 200' }],
    ['[redis] Ready to accept connections', { container: 'redis', line: 'Ready to accept connections' }],
    ['[web] ', { container: 'web', line: '' }],
    ['[web]   indented\r', { container: 'web', line: '  indented' }],
    ['[bubo-init] container web exited rc=0\r', null],
    ['[db] not a container of this instance', null],
    ['[    0.812345] virtio_blk virtio1: [vda] 8192 512-byte logical blocks', null],
    ['BUBO_GUEST_READY\r', null],
  ])('reads %j', (raw, expected) => {
    expect(containerLine(raw, names)).toEqual(expected);
  });
});

describe('bootState', () => {
  it.each([
    ['[    0.1] Linux version 6.1\r\n', { state: 'booting' }],
    ['x\r\nBUBO_GUEST_READY\r\n', { state: 'ready' }],
    ['BUBO_GUEST_FAILED no config disk (ext4 label bubo-config)\r\n', { state: 'failed', reason: 'no config disk (ext4 label bubo-config)' }],
    ['[web] echo BUBO_GUEST_READY\r\n', { state: 'booting' }],
    ['BUBO_GUEST_FAILED\r\n', { state: 'failed', reason: 'no reason given' }],
  ])('reads %j', (console, expected) => {
    expect(bootState(console)).toEqual(expected);
  });
});

describe('containerExits and lastLines', () => {
  const console = [
    '[bubo-init] container web exited rc=1',
    '[bubo-init] container web restarts in 1s (restart policy on-failure)',
    '[bubo-init] container web exited rc=0',
    '[bubo-init] container redis exited rc=143',
    '[bubo-init] every container has exited: powering off',
    '',
  ].join('\r\n');

  it('keeps the last exit code of each container', () => {
    expect(containerExits(console)).toEqual(
      new Map([
        ['web', 0],
        ['redis', 143],
      ]),
    );
  });

  it('gives the last lines without carriage returns', () => {
    expect(lastLines(console, 2)).toEqual(['[bubo-init] container redis exited rc=143', '[bubo-init] every container has exited: powering off']);
  });
});
