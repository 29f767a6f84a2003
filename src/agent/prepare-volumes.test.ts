import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../exec/run-command.js';
import { createDirVolumeDriver } from '../volumes/dir/create-dir-volume-driver.js';
import type { VolumeDriver } from '../volumes/volume-driver.js';
import { prepareVolumes } from './prepare-volumes.js';

const wanted = [{ id: 'default.pg.data.0', name: 'data', path: '/var/lib/postgresql/data', size_mib: 64 }];

describe('prepareVolumes', () => {
  let dir: string;
  let driver: VolumeDriver;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-prepare-'));
    driver = createDirVolumeDriver({ dir, exec: runCommand });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates the volume on first use and hands a mounting runtime its host directory', async () => {
    const volumes = await prepareVolumes(driver, wanted, { name: 'runc', volumes: 'mount' });
    expect(volumes).toEqual([{ name: 'data', path: '/var/lib/postgresql/data', hostPath: join(dir, 'default.pg.data.0', 'data'), device: null }]);
    expect((await stat(volumes[0]!.hostPath!)).isDirectory()).toBe(true);
    expect(await driver.list()).toEqual(['default.pg.data.0']);
  });

  it('hands a device-attaching runtime the disk, with no host directory', async () => {
    expect(await prepareVolumes(driver, wanted, { name: 'qemu', volumes: 'device' })).toEqual([{ name: 'data', path: '/var/lib/postgresql/data', hostPath: null, device: null }]);
  });

  it('refuses, before creating anything, for a runtime that cannot attach volumes', async () => {
    await expect(prepareVolumes(driver, wanted, { name: 'firecracker' })).rejects.toThrow('runtime firecracker cannot attach volumes yet (runc and qemu can)');
    expect(await driver.list()).toEqual([]);
  });
});
