import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { hostAgentUrl } from './0002-host-agent-url.js';
import { releaseDigests } from './0003-release-digests.js';
import { health } from './0004-health.js';
import { deploymentFromCount } from './0005-deployment-from-count.js';
import { rollbackKindLiveSlot } from './0006-rollback-kind-live-slot.js';
import { joinTokensHostCerts } from './0007-join-tokens-host-certs.js';
import { secrets } from './0008-secrets.js';
import { audit } from './0009-audit.js';
import { apiTokens } from './0010-api-tokens.js';
import { volumes } from './0011-volumes.js';
import { backupRuns } from './0012-backup-runs.js';
import { operations } from './0013-operations.js';
import { instanceMoving } from './0014-instance-moving.js';

/**
 * Every migration, in order. Kysely applies them sorted by name, so names start with a
 * zero-padded number. Listed in code (not found by scanning a folder) so that the same list runs
 * from `dist/` and under tsx.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-host-agent-url': hostAgentUrl,
  '0003-release-digests': releaseDigests,
  '0004-health': health,
  '0005-deployment-from-count': deploymentFromCount,
  '0006-rollback-kind-live-slot': rollbackKindLiveSlot,
  '0007-join-tokens-host-certs': joinTokensHostCerts,
  '0008-secrets': secrets,
  '0009-audit': audit,
  '0010-api-tokens': apiTokens,
  '0011-volumes': volumes,
  '0012-backup-runs': backupRuns,
  '0013-operations': operations,
  '0014-instance-moving': instanceMoving,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
