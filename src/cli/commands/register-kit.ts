import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';

interface KitBuildOptions {
  cacheDir?: string;
  kernel?: string;
}

/**
 * `bubo kit build`: builds (or finds cached) the microVM guest kit, the kernel and initramfs
 * every QEMU/Firecracker instance boots. Needs no server; progress on stderr.
 */
export function registerKit(program: Command, deps: CliDeps): void {
  const kit = program.command('kit').description('the microVM guest kit (kernel + initramfs)');
  kit
    .command('build')
    .description('build the guest kit from Debian packages (or find it cached) and print where it is')
    .option('--cache-dir <dir>', 'where kits are kept (default $XDG_CACHE_HOME/bubo/kit or ~/.cache/bubo/kit)')
    .option('--kernel <path>', 'use this uncompressed vmlinux (drivers built in) instead of Debian\'s kernel')
    .action(
      runCommand(deps, async (command) => {
        const options = command.opts<KitBuildOptions>();
        const { buildGuestKit } = await import('../../daemons/build-guest-kit.js');
        const built = await buildGuestKit({ cacheDir: options.cacheDir, env: deps.env, home: deps.home, kernelPath: options.kernel, log: (line) => deps.stderr(`${line}\n`) });
        if (globalOptions(command).json) {
          printJson(deps, built);
          return;
        }
        deps.stdout(
          `guest kit ${built.version} (kernel ${built.kernelVersion})\n  kernel     ${built.kernel}\n  initramfs  ${built.initramfs}\n  modules    ${built.modules.mmio.length === 0 ? 'none (built into the kernel)' : built.modules.mmio.join(' ')}\n`,
        );
      }),
    );
}
