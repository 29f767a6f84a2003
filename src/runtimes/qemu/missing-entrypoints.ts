import { lstat } from 'node:fs/promises';
import { isAbsolute, join, posix } from 'node:path';
import type { RunConfig } from '../../vm/run-config.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Containers whose program is not in their image, checked on the host before a VM boots: inside
 * the guest a missing program is only an exit code 127 the init would restart forever, while
 * here it is a start error that names it. Only existence is checked (`lstat`, so links are not
 * followed out of the image); whether it can run is the guest's to find out.
 */
export async function missingEntrypoints(config: RunConfig, rootfsByDigest: ReadonlyMap<string, string>): Promise<string[]> {
  const problems: string[] = [];
  for (const container of config.containers) {
    const rootfs = rootfsByDigest.get(config.imageDisks[container.imageDisk] ?? '');
    const program = container.args[0];
    if (!rootfs) continue;
    if (!program) {
      problems.push(`container ${container.name}: no command (the image has no entrypoint or cmd, and the task sets none)`);
      continue;
    }
    const candidates = entrypointCandidates(program, container.workdir, container.env);
    const found = await Promise.all(candidates.map((c) => lstat(join(rootfs, c)).then(() => true, () => false)));
    if (!found.includes(true)) {
      const where = program.includes('/') ? '' : ` (searched PATH ${pathOf(container.env)})`;
      problems.push(`container ${container.name}: ${program}: no such file in its image${where}`);
    }
  }
  return problems;
}

/** Where a program may be inside the image: itself when it has a slash (relative to workdir), else on PATH. */
export function entrypointCandidates(program: string, workdir: string, env: readonly string[]): string[] {
  if (program.includes('/')) return [isAbsolute(program) ? program : posix.join(workdir || '/', program)];
  return pathOf(env)
    .split(':')
    .filter((dir) => dir.startsWith('/'))
    .map((dir) => posix.join(dir, program));
}

function pathOf(env: readonly string[]): string {
  return env.find((e) => e.startsWith('PATH='))?.slice(5) || DEFAULT_PATH;
}
