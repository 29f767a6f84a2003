import type { Kysely, Migration } from 'kysely';

/**
 * Secrets: every version of every secret, encrypted (the key is not in the database); and the
 * secret versions each release runs (JSON object name → version, `{}` for releases before).
 */
export const secrets: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('secrets')
      .addColumn('namespace', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('nonce', 'text', (c) => c.notNull())
      .addColumn('ciphertext', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('secrets_pk', ['namespace', 'name', 'version'])
      .execute();
    await db.schema.alterTable('releases').addColumn('secret_versions', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  },
};
