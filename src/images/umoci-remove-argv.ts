import type { Command } from '../exec/command.js';

/** Removes a tag from the layout's index.json; its blobs stay until `umoci gc`. */
export function umociRemoveArgv(layoutDir: string, tag: string): Command {
  return { argv: ['umoci', 'rm', '--image', `${layoutDir}:${tag}`] };
}
