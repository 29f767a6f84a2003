import type { Kysely, Migration } from 'kysely';

/**
 * Releases record the image digest each container resolved to on its first start, so every
 * instance of a release runs the same bytes even when a tag moves. JSON object, `{}` until known.
 */
export const releaseDigests: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('releases').addColumn('digests', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  },
};
