import type { Command } from '../exec/command.js';

/** Deletes every blob of the layout that no tag in index.json reaches (mark and sweep). */
export function umociGcArgv(layoutDir: string): Command {
  return { argv: ['umoci', 'gc', '--layout', layoutDir] };
}
