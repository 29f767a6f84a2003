import type { Kysely, Migration } from 'kysely';

/**
 * Maintenance operations: one row each. The plan, the per-host progress and the log change
 * together at every step and are only ever read whole, so they are one JSON document; the
 * columns are what operations are looked up by.
 */
export const operations: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('operations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('operations_status').on('operations').columns(['status', 'created_at']).execute();
  },
};
