import type { Kysely, Migration } from 'kysely';

/** Hosts remember where their agent's own HTTP listener is (for `bubo logs`); null until it registers one. */
export const hostAgentUrl: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('hosts').addColumn('agent_url', 'text').execute();
  },
};
