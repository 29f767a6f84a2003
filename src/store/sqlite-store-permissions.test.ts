import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';

describe('openSqliteStore file permissions', () => {
  let dir: string;
  let umask: number;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bi-sqlite-'));
    umask = process.umask(0o022); // the usual default, under which files come out 0644
  });
  afterEach(async () => {
    process.umask(umask);
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the database, its WAL and its SHM readable by their owner only', async () => {
    const path = join(dir, 'bubo.db');
    const store = await openSqliteStore(path);
    try {
      await store.listApps();
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        expect({ file, mode: (await stat(file)).mode & 0o777 }).toEqual({ file, mode: 0o600 });
      }
    } finally {
      await store.close();
    }
  });
});
