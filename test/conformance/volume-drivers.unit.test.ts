import { describe, it } from 'vitest';
import { runCommand } from '../../src/exec/run-command.js';
import { createDirVolumeDriver } from '../../src/volumes/dir/create-dir-volume-driver.js';
import { createFileVolumeDriver } from '../../src/volumes/file/create-file-volume-driver.js';
import { volumeDriverConformance } from './volume-driver-conformance.js';

const isRoot = process.getuid?.() === 0;

// `dir` needs nothing special; `file` needs root for loop mounts (CI runs as root).
volumeDriverConformance('dir', (dir) => createDirVolumeDriver({ dir, exec: runCommand }), { enforcesSize: false });
if (isRoot) volumeDriverConformance('file', (dir) => createFileVolumeDriver({ dir, exec: runCommand }), { enforcesSize: true });
else describe('volume driver conformance: file', () => it.skip('needs root (loop mounts)', () => {}));
