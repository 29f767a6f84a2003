import type { Command } from '../exec/command.js';

export interface UmociRawUnpackOptions {
  layoutDir: string;
  tag: string;
  /** An empty directory; umoci applies the layers in order, honouring whiteouts and opaque dirs. */
  rootfsDir: string;
  /** Needed when not running as root: files are then owned by the agent's user. */
  rootless?: boolean;
}

/** Unpacks the layers of a tagged image into a bare rootfs (no runtime bundle config). */
export function umociRawUnpackArgv(options: UmociRawUnpackOptions, timeoutMs = 30 * 60_000): Command {
  return {
    argv: [
      'umoci',
      'raw',
      'unpack',
      ...(options.rootless ? ['--rootless'] : []),
      '--image',
      `${options.layoutDir}:${options.tag}`,
      options.rootfsDir,
    ],
    timeoutMs,
  };
}
