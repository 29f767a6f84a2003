import type { Kysely, Migration } from 'kysely';

/**
 * Health checks: each instance's last health (`none` when its task has no check) and the output
 * of the check that changed it; and the moment a blue-green deployment switched traffic.
 */
export const health: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('instances').addColumn('health', 'text', (c) => c.notNull().defaultTo('none')).execute();
    await db.schema.alterTable('instances').addColumn('health_message', 'text', (c) => c.notNull().defaultTo('')).execute();
    await db.schema.alterTable('deployments').addColumn('switched_at', 'bigint').execute();
  },
};
