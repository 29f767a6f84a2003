import { describe, expect, it } from 'vitest';
import type { VolumeDriver } from '../volumes/volume-driver.js';
import { freezeAndSnapshot } from './freeze-and-snapshot.js';

/** A driver that only records: the ordering with the guest's freeze is what is tested here. */
function recordingDriver(log: string[], device: string | null, fail = false): VolumeDriver {
  return {
    kind: 'file',
    device: () => device,
    snapshot: async (id: string, name: string) => {
      log.push(`copy ${id} ${name}`);
      if (fail) throw new Error('cp: No space left on device');
    },
  } as unknown as VolumeDriver;
}

const vm = (log: string[], holds: string) => ({
  freezeVolume: async (device: string) => {
    if (device !== holds) return null;
    log.push(`freeze ${device}`);
    return { instance: 'pg-1', thaw: async () => void log.push(`thaw ${device}`) };
  },
});

describe('freezeAndSnapshot', () => {
  it('has the guest of the running microVM that holds the disk freeze it around the copy', async () => {
    const log: string[] = [];
    await freezeAndSnapshot(recordingDriver(log, '/v/pg/volume.ext4'), [{}, vm(log, '/v/other.ext4'), vm(log, '/v/pg/volume.ext4')])('default.pg.data.0', 'nightly');
    expect(log).toEqual(['freeze /v/pg/volume.ext4', 'copy default.pg.data.0 nightly', 'thaw /v/pg/volume.ext4']);
  });

  it('thaws even when the copy fails, and leaves volumes no VM holds (or without a disk) to the driver', async () => {
    const log: string[] = [];
    await expect(freezeAndSnapshot(recordingDriver(log, '/v/pg/volume.ext4', true), [vm(log, '/v/pg/volume.ext4')])('default.pg.data.0', 'n')).rejects.toThrow('No space left');
    expect(log).toEqual(['freeze /v/pg/volume.ext4', 'copy default.pg.data.0 n', 'thaw /v/pg/volume.ext4']);
    const plain: string[] = [];
    await freezeAndSnapshot(recordingDriver(plain, null), [vm(plain, '/v/pg/volume.ext4')])('default.app.data.0', 'n');
    expect(plain).toEqual(['copy default.app.data.0 n']);
  });
});
