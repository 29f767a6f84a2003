import type { Command } from '../exec/command.js';
import { SKOPEO_PLATFORM_FLAGS, type SkopeoSource, skopeoSourceFlags } from './skopeo-source.js';

export interface SkopeoCopyTarget {
  /** The shared OCI layout directory; blobs already there are reused, not fetched again. */
  layoutDir: string;
  /** Tag written into the layout's index.json. */
  tag: string;
}

/** Copies one linux/amd64 image from `source` into the shared layout; skopeo verifies every blob digest. */
export function skopeoCopyArgv(source: SkopeoSource, target: SkopeoCopyTarget, timeoutMs = 30 * 60_000): Command {
  return {
    argv: [
      'skopeo',
      ...SKOPEO_PLATFORM_FLAGS,
      'copy',
      '--quiet',
      ...skopeoSourceFlags(source, '--src-'),
      source.transportRef,
      `oci:${target.layoutDir}:${target.tag}`,
    ],
    timeoutMs,
  };
}
