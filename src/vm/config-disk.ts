import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Executor, runCommand } from '../exec/run-command.js';
import { CONFIG_DISK_LABEL, guestFiles } from './guest-files.js';
import { mkfsExt4Argv } from './mkfs-argv.js';
import type { RunConfig } from './run-config.js';

const PUBLIC_FILES = new Set(['resolv.conf', 'hosts', 'hostname']);

/**
 * The instance's config disk (label `bubo-config`, attach read-only): run.json and its shell
 * form (guest-files.ts), and the value of each file secret `config` lists (from `secrets`, by
 * name). It carries resolved secrets, so the file is 0600, every file in it but the three /etc
 * ones is 0600, and the staging directory (0700) is removed at once. Replaces any file at `path`.
 */
export async function buildConfigDisk(path: string, config: RunConfig, exec: Executor = runCommand, secrets: Readonly<Record<string, string>> = {}): Promise<void> {
  const files = guestFiles(config, secrets);
  const bytes = Object.values(files).reduce((sum, text) => sum + Buffer.byteLength(text) + 4096, 0);
  const stage = await mkdtemp(join(dirname(path), '.config-disk-'));
  try {
    await chmod(stage, 0o700);
    // Bind-mounted into every container's /etc, whatever its user: world-readable. The rest
    // (env, secrets) is for the guest's root only.
    for (const [name, content] of Object.entries(files)) await writeFile(join(stage, name), content, { mode: PUBLIC_FILES.has(name) ? 0o644 : 0o600 });
    await rm(path, { force: true });
    // Created 0600 before mkfs writes the values into it (mkfs keeps an existing file's mode).
    await writeFile(path, '', { mode: 0o600, flag: 'wx' });
    await exec(mkfsExt4Argv({ file: path, label: CONFIG_DISK_LABEL, sizeMiB: Math.max(4, Math.ceil((bytes * 2) / 2 ** 20) + 2), fromDir: stage, journal: false }));
    await chmod(path, 0o600);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
