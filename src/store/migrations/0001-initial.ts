import type { Kysely, Migration } from 'kysely';
import { isPostgres } from './is-postgres.js';

/**
 * The first schema. Shipped migrations are never edited: change the schema by adding a new
 * numbered file to `index.ts`.
 */
export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('counters')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('groups')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('hosts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('group_name', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('subnet', 'text', (c) => c.notNull())
      .addColumn('capacity_millicpus', 'integer', (c) => c.notNull())
      .addColumn('capacity_memory_mib', 'integer', (c) => c.notNull())
      .addColumn('capacity_disk_mib', 'integer', (c) => c.notNull())
      .addColumn('runtimes', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('cordoned', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('registered_at', 'bigint', (c) => c.notNull())
      .addColumn('last_heartbeat_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('apps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('namespace', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('group_name', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('stopped', 'integer', (c) => c.notNull())
      .addColumn('destroying', 'integer', (c) => c.notNull())
      .addColumn('release', 'integer')
      .addColumn('over_provision', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    // Children of an app cascade so that no orphan survives even a raw delete; `deleteApp` still
    // deletes them explicitly, so correctness never depends on `foreign_keys` being on.
    await db.schema
      .createTable('releases')
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('warnings', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('releases_pk', ['app_id', 'version'])
      .execute();

    // No foreign key to hosts: an instance outlives nothing about its host's row, and the bulk
    // insert path stays cheaper without a second lookup per row.
    await db.schema
      .createTable('instances')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
      .addColumn('release', 'integer', (c) => c.notNull())
      .addColumn('host_id', 'text', (c) => c.notNull())
      .addColumn('slot', 'integer', (c) => c.notNull())
      .addColumn('desired', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('instances_app_id').on('instances').column('app_id').execute();
    await db.schema.createIndex('instances_host_id').on('instances').column('host_id').execute();
    await db.schema.createIndex('instances_state').on('instances').column('state').execute();

    await db.schema
      .createTable('deployments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
      .addColumn('from_release', 'integer')
      .addColumn('to_release', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('deployments_app_id').on('deployments').column('app_id').execute();

    // Events keep app and host ids as plain text, not foreign keys: the audit trail outlives what
    // it talks about. Autoincrement ids are never reused, so `after` cursors stay valid.
    const pg = isPostgres(db);
    await db.schema
      .createTable('events')
      .addColumn('id', pg ? 'bigint' : 'integer', (c) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text')
      .addColumn('host_id', 'text')
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('events_app_id').on('events').column('app_id').execute();
    await db.schema.createIndex('events_host_id').on('events').column('host_id').execute();
  },
};
