import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secureStateDir } from './secure-state-dir.js';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('secureStateDir', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'bi-secure-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates a missing directory 0700 and says nothing', async () => {
    const notices: string[] = [];
    await secureStateDir(join(root, 'state'), (line) => notices.push(line));
    expect(await modeOf(join(root, 'state'))).toBe(0o700);
    expect(notices).toEqual([]);
  });

  it('takes group and other access away from the directory and the files in it, one notice each', async () => {
    const dir = join(root, 'state');
    await mkdir(dir);
    await chmod(dir, 0o755);
    for (const [name, mode] of [['bubo.db', 0o644], ['bubo.db-wal', 0o666], ['admin.token', 0o600]] as const) {
      await writeFile(join(dir, name), '');
      await chmod(join(dir, name), mode);
    }
    await mkdir(join(dir, 'images'));
    const notices: string[] = [];
    await secureStateDir(dir, (line) => notices.push(line));
    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(join(dir, 'bubo.db'))).toBe(0o600);
    expect(await modeOf(join(dir, 'bubo.db-wal'))).toBe(0o600);
    expect(await modeOf(join(dir, 'admin.token'))).toBe(0o600);
    expect(notices.sort()).toEqual([
      `${dir} was accessible to other users (mode 0755); changed it to 0700`,
      `${join(dir, 'bubo.db')} was accessible to other users (mode 0644); changed it to 0600`,
      `${join(dir, 'bubo.db-wal')} was accessible to other users (mode 0666); changed it to 0600`,
    ]);
  });

  it('refuses a path that is a file, naming it', async () => {
    const file = join(root, 'state');
    await writeFile(file, '');
    await expect(secureStateDir(file, () => {})).rejects.toThrow(`Cannot secure the state directory ${file}:`);
  });
});
