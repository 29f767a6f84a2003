import { describe, expect, it } from 'vitest';
import { parseLvmPool } from './register-agent.js';

describe('--lvm-pool', () => {
  it('reads VG/POOL for the lvm driver', () => {
    expect(parseLvmPool('lvm', 'data/bubo')).toEqual({ vg: 'data', pool: 'bubo' });
    expect(parseLvmPool('file', undefined)).toBeUndefined();
  });

  it.each<[string, string | undefined, string]>([
    ['lvm', undefined, '--volume-driver lvm needs --lvm-pool VG/POOL, the thin pool its volumes go in (e.g. data/bubo)'],
    ['lvm', 'data', '--lvm-pool data: write VG/POOL, a volume group and a thin pool in it (letters, digits, "+_.-")'],
    ['lvm', 'data/bu bo', '--lvm-pool data/bu bo: write VG/POOL'],
    ['file', 'data/bubo', '--lvm-pool is for --volume-driver lvm'],
  ])('refuses --volume-driver %s --lvm-pool %j', (driver, pool, message) => {
    expect(() => parseLvmPool(driver, pool)).toThrow(message);
  });
});
