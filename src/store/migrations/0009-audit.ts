import type { Kysely, Migration } from 'kysely';
import { isPostgres } from './is-postgres.js';

/** The audit log: every call that asked to change something, with its caller and outcome. */
export const audit: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = isPostgres(db);
    await db.schema
      .createTable('audit')
      .addColumn('id', pg ? 'bigint' : 'integer', (c) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('route', 'text')
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('code', 'text')
      .execute();
    await db.schema.createIndex('audit_actor').on('audit').column('actor').execute();
    await db.schema.createIndex('audit_at').on('audit').column('at').execute();
  },
};
