import { mkdir, rm, writeFile, copyFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../../src/exec/run-command.js';

/**
 * Builds two tiny images with umoci in the OCI layout `layout`, for tests only:
 *  - `bb`: one layer with a static busybox and /etc/greeting, and a full config;
 *  - `wh`: layer 1 has /a and /b, layer 2 deletes /b (a whiteout entry).
 */
export async function buildTestImages(layout: string, work: string): Promise<void> {
  const run = (...argv: [string, ...string[]]) => runCommand({ argv });
  const rootless = process.getuid?.() !== 0 ? ['--rootless'] : [];
  await run('umoci', 'init', '--layout', layout);

  const bundle = join(work, 'bundle');
  await run('umoci', 'new', '--image', `${layout}:bb`);
  await run('umoci', 'unpack', ...rootless, '--image', `${layout}:bb`, bundle);
  await mkdir(join(bundle, 'rootfs/bin'), { recursive: true });
  await mkdir(join(bundle, 'rootfs/etc'), { recursive: true });
  await copyFile('/bin/busybox', join(bundle, 'rootfs/bin/busybox'));
  await chmod(join(bundle, 'rootfs/bin/busybox'), 0o755);
  await writeFile(join(bundle, 'rootfs/etc/greeting'), 'hello\n');
  await run('umoci', 'repack', '--image', `${layout}:bb`, bundle);
  await run(
    'umoci', 'config', '--image', `${layout}:bb`,
    '--config.entrypoint', '/bin/busybox', '--config.cmd', 'httpd', '--config.cmd', '-f',
    '--config.workingdir', '/www', '--config.env', 'GREETING=hi', '--config.exposedports', '80/tcp',
    '--config.user', '1000:1000', '--config.stopsignal', 'SIGQUIT',
  );
  await rm(bundle, { recursive: true, force: true });

  await run('umoci', 'new', '--image', `${layout}:wh`);
  await run('umoci', 'unpack', ...rootless, '--image', `${layout}:wh`, bundle);
  await writeFile(join(bundle, 'rootfs/a'), 'a\n');
  await writeFile(join(bundle, 'rootfs/b'), 'b\n');
  await run('umoci', 'repack', '--image', `${layout}:wh`, bundle);
  await rm(bundle, { recursive: true, force: true });
  await run('umoci', 'unpack', ...rootless, '--image', `${layout}:wh`, bundle);
  await rm(join(bundle, 'rootfs/b'));
  await run('umoci', 'repack', '--image', `${layout}:wh`, bundle);
  await rm(bundle, { recursive: true, force: true });
}

/** Pushes tag `tag` of `layout` to `dest` (`host/repo:tag`) over plain HTTP. */
export async function pushTestImage(layout: string, tag: string, dest: string): Promise<void> {
  await runCommand({ argv: ['skopeo', 'copy', '--quiet', '--dest-tls-verify=false', '--dest-no-creds', `oci:${layout}:${tag}`, `docker://${dest}`] });
}
