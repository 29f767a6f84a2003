import { closeSync, openSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './database-schema.js';
import { cacheStatements } from './cache-statements.js';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrate-to-latest.js';
import type { Store } from './store.js';

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating if needed) the SQLite database at `path` and brings its schema up to date.
 *
 * WAL lets readers run beside the one writer; `synchronous=FULL` makes every commit durable
 * before it returns, which the control plane relies on (an acknowledged placement must survive a
 * power cut). Foreign keys are off by default in SQLite and must be enabled per connection.
 */
export async function openSqliteStore(path: string): Promise<Store> {
  // SQLite creates the WAL and SHM files with the database file's mode, so a database created
  // 0600 keeps all three readable by their owner only, like the admin token.
  if (path !== ':memory:' && path !== '') closeSync(openSync(path, 'a', 0o600));
  const sqlite = new BetterSqlite3(path);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (error) {
    sqlite.close();
    throw new Error(`Cannot open the bubo database at ${path}: ${String(error)}`, { cause: error });
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cacheStatements(sqlite) }) });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db);
}
