import type { Command } from '../exec/command.js';
import { SKOPEO_PLATFORM_FLAGS, type SkopeoSource, skopeoSourceFlags } from './skopeo-source.js';

/**
 * Prints the raw manifest (or index) that `source` names, byte for byte, so its sha256 is the
 * digest; one registry round trip, no blobs.
 */
export function skopeoInspectRawArgv(source: SkopeoSource, timeoutMs = 60_000): Command {
  return {
    argv: ['skopeo', ...SKOPEO_PLATFORM_FLAGS, 'inspect', '--raw', ...skopeoSourceFlags(source, '--'), source.transportRef],
    timeoutMs,
  };
}
