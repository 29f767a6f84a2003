import { type Kysely, type Migration, sql } from 'kysely';

/**
 * A drained host's instance moves first: its replacement takes its slot (same app, release and
 * slot) on another host while it keeps serving, and it stops once the replacement serves. For that
 * window there are two live instances in one slot, so the live-slot index of 0006 exempts the one
 * being moved away (`moving = 1`), as it exempts an `unknown` one.
 */
export const instanceMoving: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('instances').addColumn('moving', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.dropIndex('instances_live_slot').execute();
    await db.schema
      .createIndex('instances_live_slot')
      .on('instances')
      .columns(['app_id', 'release', 'slot'])
      .unique()
      .where(sql<boolean>`desired = 'run' and state in ('pending', 'starting', 'running', 'stopping') and moving = 0`)
      .execute();
  },
};
