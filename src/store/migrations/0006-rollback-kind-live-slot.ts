import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Rollbacks are recognised by data, not by their id: `deployments.kind` is `deploy` or
 * `rollback` (rows written before are classified by the `rollback-` id prefix they were given).
 *
 * And one instance per slot: no two *live* instances share (app, release, slot), live meaning
 * desired `run` in state pending, starting, running or stopping. An `unknown` instance (its host
 * went silent) is not live in this sense: its replacement takes the same slot while it waits to
 * be re-adopted or stopped; terminal instances and those told to stop never count.
 */
export const rollbackKindLiveSlot: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('deployments').addColumn('kind', 'text', (c) => c.notNull().defaultTo('deploy')).execute();
    await sql`update deployments set kind = 'rollback' where id like 'rollback-%'`.execute(db);
    await db.schema
      .createIndex('instances_live_slot')
      .on('instances')
      .columns(['app_id', 'release', 'slot'])
      .unique()
      .where(sql<boolean>`desired = 'run' and state in ('pending', 'starting', 'running', 'stopping')`)
      .execute();
  },
};
