import type { Kysely, Migration } from 'kysely';

/**
 * Hosts can be draining. Join tokens (only a hash of the secret) and the certificates issued to hosts, keyed by
 * fingerprint: the server looks a client certificate up here on every request.
 */
export const joinTokensHostCerts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('join_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('group_name', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('uses_left', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('host_certs')
      .addColumn('fingerprint', 'text', (c) => c.primaryKey())
      .addColumn('host_name', 'text', (c) => c.notNull())
      .addColumn('group_name', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('serial', 'text', (c) => c.notNull())
      .addColumn('not_after', 'bigint', (c) => c.notNull())
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('join_token_id', 'text')
      .execute();
    await db.schema.createIndex('host_certs_host_name').on('host_certs').column('host_name').execute();
    // A draining host (cordoned on its way out): its instances are replaced elsewhere.
    await db.schema.alterTable('hosts').addColumn('draining', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
};
