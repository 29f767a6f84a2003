import { describe, expect, it } from 'vitest';
import { parseTscKhz } from './host-tsc-khz.js';

const cpuinfo = 'processor\t: 0\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2445.424\ncache size\t: 512 KB\n';

describe('parseTscKhz', () => {
  it.each([
    ['cpu MHz from /proc/cpuinfo', { cpuinfo }, 2445424],
    ['a whole-MHz value', { cpuinfo: 'cpu MHz : 3000\n' }, 3000000],
    ['the boot log "Detected" line before cpu MHz', { cpuinfo, dmesg: '[    0.000000] tsc: Detected 2595.998 MHz processor\n' }, 2595998],
    [
      'the refined calibration before the first estimate',
      { cpuinfo, dmesg: '[0.0] tsc: Detected 2595.998 MHz processor\n[1.2] tsc: Refined TSC clocksource calibration: 2596.101 MHz\n' },
      2596101,
    ],
    ['cpu MHz when the boot log has rotated away', { cpuinfo, dmesg: '[9.9] eth0: link up\n' }, 2445424],
    ['nothing when neither says', { cpuinfo: 'processor : 0\n', dmesg: null }, null],
    ['nothing for a zero frequency', { cpuinfo: 'cpu MHz : 0.000\n' }, null],
  ])('reads %s', (_name, sources, expected) => {
    expect(parseTscKhz(sources)).toBe(expected);
  });
});
