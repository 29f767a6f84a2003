import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every regular file under `root` (symlinks not followed; a missing root is empty) whose bytes
 * hold `marker`, as paths relative to `root`, sorted: where a secret's marker value landed.
 */
export function filesHolding(root: string, marker: string): string[] {
  const found: string[] = [];
  const walk = (path: string): void => {
    let stat: ReturnType<typeof lstatSync>;
    try {
      stat = lstatSync(path);
    } catch {
      return;
    }
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else if (stat.isFile() && readFileSync(path).includes(marker)) found.push(relative(root, path));
  };
  walk(root);
  return found.sort();
}
