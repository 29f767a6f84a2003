import { type Kysely, PostgresAdapter } from 'kysely';

/**
 * Migrations are written once for every dialect; the one place they must differ is an
 * auto-incrementing key (SQLite `autoincrement`, PostgreSQL identity column).
 */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
