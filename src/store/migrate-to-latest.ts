import { type Kysely, Migrator } from 'kysely';
import type { Database } from './database-schema.js';
import { migrationProvider } from './migrations/index.js';

/**
 * Brings the schema up to date and returns the names of the migrations it applied (empty when
 * there was nothing to do). Kysely records applied migrations in `kysely_migration`, so a
 * migration runs once per database however often the store is opened.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Cannot migrate the bubo database: migration ${failed} failed: ${String(error)}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
