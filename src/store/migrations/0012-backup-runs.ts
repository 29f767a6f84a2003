import type { Kysely, Migration } from 'kysely';

/** Scheduled backups: one row per run of a `[[backups]]` entry on one volume. */
export const backupRuns: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('backup_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('volume_id', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('archive', 'text')
      .addColumn('sha256', 'text')
      .addColumn('bytes', 'bigint')
      .addColumn('error', 'text')
      .addColumn('pruned', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('backup_runs_app').on('backup_runs').columns(['app_id', 'started_at']).execute();
    await db.schema.createIndex('backup_runs_volume').on('backup_runs').columns(['volume_id', 'started_at']).execute();
  },
};
