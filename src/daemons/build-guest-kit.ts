import { join } from 'node:path';
import { ensureGuestKit, type GuestKit } from '../vm/guest-kit.js';

export interface BuildGuestKitOptions {
  /** Where kits are kept; default `$XDG_CACHE_HOME/bubo/kit`, else `~/.cache/bubo/kit`. */
  cacheDir?: string | undefined;
  env: Record<string, string | undefined>;
  home: string;
  /** An uncompressed vmlinux with its drivers built in, instead of Debian's kernel. */
  kernelPath?: string | undefined;
  log: (line: string) => void;
}

/** `bubo kit build`: the microVM guest kit, built from Debian packages or found in the cache. */
export function buildGuestKit(options: BuildGuestKitOptions): Promise<GuestKit> {
  const cacheDir = options.cacheDir ?? join(options.env['XDG_CACHE_HOME'] || join(options.home, '.cache'), 'bubo', 'kit');
  return ensureGuestKit({ cacheDir, log: options.log, ...(options.kernelPath ? { kernelPath: options.kernelPath } : {}) });
}
