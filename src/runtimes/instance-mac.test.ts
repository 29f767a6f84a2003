import { describe, expect, it } from 'vitest';
import { instanceMac } from './instance-mac.js';

describe('instanceMac', () => {
  it('is a stable, locally administered unicast address per instance id', () => {
    const mac = instanceMac('shop-web-1-abc');
    expect(mac).toMatch(/^02(:[0-9a-f]{2}){5}$/);
    expect(instanceMac('shop-web-1-abc')).toBe(mac);
    expect(instanceMac('shop-web-2-abc')).not.toBe(mac);
  });
});
