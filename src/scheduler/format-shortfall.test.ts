import { describe, expect, it } from 'vitest';
import { formatShortfall } from './format-shortfall.js';

describe('formatShortfall', () => {
  it('renders an aligned plain-text table in human units', () => {
    expect(
      formatShortfall([
        { resource: 'cpu', requested: 3, free: 2.5, missing: 0.5 },
        { resource: 'memory', requested: 1536, free: 1024, missing: 512 },
      ]),
    ).toBe(['resource  requested  free      missing', 'cpu       3 cpus     2.5 cpus  0.5 cpus', 'memory    1536 MiB   1024 MiB  512 MiB'].join('\n'));
  });

  it('explains fragmentation when nothing is missing in total', () => {
    expect(formatShortfall([{ resource: 'memory', requested: 1024, free: 2048, missing: 0 }])).toContain('no single host has room');
  });

  it('is empty for no rows', () => {
    expect(formatShortfall([])).toBe('');
  });
});
