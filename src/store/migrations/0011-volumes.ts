import type { Kysely, Migration } from 'kysely';

/** Volumes: which host holds the data of which app slot (the slot is pinned there). */
export const volumes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('volumes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('slot', 'integer', (c) => c.notNull())
      .addColumn('host_id', 'text', (c) => c.notNull())
      .addColumn('size_mib', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('volumes_app').on('volumes').column('app_id').execute();
    await db.schema.createIndex('volumes_host').on('volumes').column('host_id').execute();
  },
};
