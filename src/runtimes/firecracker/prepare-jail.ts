import { chmod, chown, copyFile, link, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { JailLayout } from './jailer-argv.js';

/** One file the jailed Firecracker opens: `source` on the host, placed at `jailPath` in the jail. */
export interface JailFile {
  source: string;
  jailPath: string;
  /**
   * Per-instance files (config and scratch disks) become `uid:gid`, mode 0600: Firecracker opens
   * the scratch disk read-write and the config disk holds secrets. Shared files (kernel, initramfs,
   * image disks) are left as they are: a hard link shares the inode, so a chown would change the
   * owner for every other VM too; they only need to be world-readable.
   */
  owned: boolean;
}

/** The file-system calls `prepareJail` makes; a seam so tests can force EXDEV. */
export interface JailFs {
  link(source: string, target: string): Promise<void>;
  copyFile(source: string, target: string): Promise<void>;
}

const nodeFs: JailFs = { link, copyFile };

/**
 * Builds the jail's `root/` before the jailer runs (the jailer leaves an existing directory as it
 * is): each file hard-linked in (copied when the jail is on another file system), `run/` for the
 * API socket, and the empty log and console files Firecracker opens but does not create, all
 * owned by `uid:gid`. Safe to re-run: existing targets are replaced.
 */
export async function prepareJail(
  layout: JailLayout,
  files: JailFile[],
  createEmpty: string[],
  owner: { uid: number; gid: number },
  fs: JailFs = nodeFs,
): Promise<void> {
  await mkdir(layout.root, { recursive: true });
  for (const dir of [layout.hostPath('/run')]) {
    await mkdir(dir, { recursive: true });
    await chown(dir, owner.uid, owner.gid);
  }
  for (const file of files) {
    const target = layout.hostPath(file.jailPath);
    await mkdir(dirname(target), { recursive: true });
    await rm(target, { force: true });
    try {
      await fs.link(file.source, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw new Error(`cannot link ${file.source} into the jail at ${target}: ${(error as Error).message}`);
      await fs.copyFile(file.source, target);
    }
    if (file.owned) {
      await chown(target, owner.uid, owner.gid);
      await chmod(target, 0o600);
    }
  }
  for (const jailPath of createEmpty) {
    const target = layout.hostPath(jailPath);
    await writeFile(target, '', { flag: 'a' });
    await chown(target, owner.uid, owner.gid);
    await chmod(target, 0o600);
  }
}

/** Removes the whole jail (`<chrootBase>/<exec>/<id>`); the jailer never does. Idempotent. */
export async function removeJail(layout: JailLayout): Promise<void> {
  await rm(layout.dir, { recursive: true, force: true });
}
