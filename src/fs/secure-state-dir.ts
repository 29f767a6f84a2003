import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const GROUP_OR_OTHER = 0o077;

/**
 * Creates `dir` (mode 0700) or, when it exists with group or other access, takes that access
 * away: the directory becomes 0700 and each regular file directly in it (database, WAL, admin
 * token, keys) 0600, and `notice` gets one line per path changed. bubo fixes rather than
 * refuses: the files are its own, the fix is what the operator would do by hand, and a refusal
 * would stop a server over a umask. Deeper paths are reachable only through `dir`, so they are
 * left as they are (an agent's image cache can hold many thousands of files).
 *
 * @throws {Error} "Cannot secure the state directory …" when it is not a directory or cannot be changed.
 */
export async function secureStateDir(dir: string, notice: (line: string) => void): Promise<void> {
  const fail = (why: string): never => {
    throw new Error(`Cannot secure the state directory ${dir}: ${why}; fix it with "chmod 700 ${dir}" or choose another directory`);
  };
  const info = await stat(dir).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') return fail(error.message);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return stat(dir);
  });
  if (!info.isDirectory()) fail('it is not a directory');
  await tighten(dir, info.mode, 0o700, notice).catch((error: Error) => fail(error.message));
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(dir, entry.name);
    const { mode } = await stat(path);
    await tighten(path, mode, mode & 0o700, notice).catch((error: Error) => fail(error.message));
  }
}

async function tighten(path: string, mode: number, to: number, notice: (line: string) => void): Promise<void> {
  if ((mode & GROUP_OR_OTHER) === 0) return;
  await chmod(path, to);
  notice(`${path} was accessible to other users (mode ${octal(mode)}); changed it to ${octal(to)}`);
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}
