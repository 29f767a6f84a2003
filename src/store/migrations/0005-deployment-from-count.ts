import type { Kysely, Migration } from 'kysely';

/**
 * Deployments remember the app's instance count before them, so an automatic rollback restores
 * the old release as it ran (a deploy that also changed `count` must not leave the old release
 * running at the new count). Null for an app's first deployment and for rows written before.
 */
export const deploymentFromCount: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('deployments').addColumn('from_count', 'integer').execute();
  },
};
