import { mkdir, symlink, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cmd } from '../../src/exec/command.js';
import { runCommand } from '../../src/exec/run-command.js';

/**
 * A one-layer busybox image in a local OCI layout (`oci:<dir>/layout:1`), built with umoci from
 * Debian's busybox-static: the smallest real image, so the benchmark measures bubo, not I/O.
 */
export async function buildBenchImage(dir: string): Promise<string> {
  const layout = join(dir, 'layout');
  const work = join(dir, 'work');
  await runCommand(cmd('umoci', 'init', '--layout', layout));
  await runCommand(cmd('umoci', 'new', '--image', `${layout}:bb`));
  await runCommand(cmd('umoci', 'unpack', '--image', `${layout}:bb`, work));
  const bin = join(work, 'rootfs', 'bin');
  await mkdir(bin, { recursive: true });
  await copyFile('/bin/busybox', join(bin, 'busybox'));
  for (const name of ['sh', 'sleep']) await symlink('busybox', join(bin, name));
  await writeFile(join(work, 'rootfs', 'README'), 'bubo bench image\n');
  await runCommand(cmd('umoci', 'repack', '--image', `${layout}:bb`, work));
  await runCommand(cmd('umoci', 'config', '--image', `${layout}:bb`, '--config.entrypoint', '/bin/sleep', '--config.cmd', '3600'));
  await runCommand(cmd('umoci', 'tag', '--image', `${layout}:bb`, '1'));
  return `oci:${layout}:1`;
}
