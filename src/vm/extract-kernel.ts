import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Executor } from '../exec/run-command.js';
import { GuestKitError } from './guest-kit-error.js';
import type { KernelPackage } from './kernel-package.js';
import { GUEST_MODULES, type GuestBus, moduleName, parseShowDepends } from './module-order.js';

export interface ExtractedKernel {
  /** Module files (inside `work`) in insmod order, per bus. */
  modules: Record<GuestBus, { name: string; file: string }[]>;
}

/** The xz magic that starts the payload inside a Debian vmlinuz (bzImage). */
const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

/**
 * Downloads the kernel package into `work`, unpacks it, runs depmod (dpkg-deb -x does not make
 * modules.dep), writes the uncompressed vmlinux to `vmlinuxOut` and resolves the module order.
 * Files stay in `work` until the caller removes it.
 */
export async function extractKernel(
  pkg: KernelPackage,
  work: string,
  vmlinuxOut: string,
  exec: Executor,
  log: (line: string) => void,
): Promise<ExtractedKernel> {
  await exec({ argv: ['mkdir', '-p', work] });
  log(`guest kit: downloading ${pkg.name} ${pkg.version}`);
  await exec({ argv: ['apt-get', 'download', '-q', `${pkg.name}=${pkg.version}`], cwd: work, timeoutMs: 600_000 }).catch((error: Error) => {
    throw new GuestKitError(`Cannot build the guest kit: apt-get download ${pkg.name}=${pkg.version} failed (${error.message}); check the apt sources, then run \`bubo kit build\``);
  });
  const deb = (await readdir(work)).find((f) => f.endsWith('.deb'));
  if (!deb) throw new GuestKitError(`Cannot build the guest kit: apt-get download ${pkg.name} produced no .deb in ${work}`);
  const root = join(work, 'root');
  log(`guest kit: unpacking ${deb}`);
  await exec({ argv: ['dpkg-deb', '-x', join(work, deb), root] });
  await exec({ argv: ['depmod', '-b', root, pkg.kernelVersion] }).catch((error: Error) => {
    throw new GuestKitError(`Cannot build the guest kit: depmod failed (${error.message}); install kmod (apt-get install kmod)`);
  });
  log('guest kit: decompressing the kernel');
  await decompressVmlinuz(join(root, 'boot', `vmlinuz-${pkg.kernelVersion}`), vmlinuxOut, exec);
  const modules = { mmio: [], pci: [] } as ExtractedKernel['modules'];
  for (const bus of Object.keys(GUEST_MODULES) as GuestBus[]) {
    let output = '';
    for (const wanted of GUEST_MODULES[bus]) {
      const shown = await exec({ argv: ['modprobe', '-d', root, '-S', pkg.kernelVersion, '--show-depends', wanted], okExitCodes: [1] });
      if (!/^(insmod|builtin) /m.test(shown.stdout)) {
        throw new GuestKitError(`Cannot build the guest kit: module ${wanted} is not in ${pkg.name} (${shown.stderr.trim() || 'modprobe found nothing'})`);
      }
      output += shown.stdout;
    }
    modules[bus] = parseShowDepends(output).map((file) => ({ name: moduleName(file), file }));
  }
  return { modules };
}

/**
 * A Debian vmlinuz is a bzImage whose payload is one xz stream; the uncompressed ELF boots
 * ~4 s faster under TCG (PVH, no in-guest decompression). `--single-stream` makes xz stop at
 * the end of the stream instead of failing on the bytes the bzImage has after it.
 */
async function decompressVmlinuz(vmlinuz: string, out: string, exec: Executor): Promise<void> {
  const image = await readFile(vmlinuz).catch(() => {
    throw new GuestKitError(`Cannot build the guest kit: the kernel package has no ${vmlinuz}`);
  });
  const offset = image.indexOf(XZ_MAGIC);
  if (offset < 0) throw new GuestKitError(`Cannot build the guest kit: ${vmlinuz} holds no xz-compressed kernel; use your own vmlinux (kernelPath)`);
  await writeFile(`${out}.xz`, image.subarray(offset));
  await exec({ argv: ['xz', '-d', '-q', '--single-stream', '-f', `${out}.xz`] }).catch((error: Error) => {
    throw new GuestKitError(`Cannot build the guest kit: decompressing ${vmlinuz} failed (${error.message}); install xz-utils`);
  });
  const head = (await readFile(out)).subarray(0, 4);
  if (!head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) throw new GuestKitError(`Cannot build the guest kit: ${vmlinuz} did not decompress to an ELF vmlinux`);
}
