import { DomainError } from '../errors/domain-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { CoreContext } from './core-context.js';
import { event } from './record-event.js';
import { secretUsers } from './secret-users.js';

/**
 * `bubo secret rm`: deletes every version. Refused while an app's current release names the
 * secret (its next restart or replacement would have nothing to start with); earlier releases
 * that named it can no longer be rolled back to.
 */
export async function removeSecret(ctx: CoreContext, input: { namespace: string; name: string; actor: string }) {
  return ctx.store.transaction(async (tx) => {
    const users = (await secretUsers(ctx, tx, input.namespace)).get(input.name) ?? [];
    if (users.length > 0) {
      const apps = users.map((u) => u.app).join(', ');
      throw new DomainError(
        'secret_in_use',
        `secret ${input.name} of namespace ${input.namespace} is used by the current release of ${apps}; deploy ${users.length === 1 ? 'it' : 'them'} without it (or destroy ${users.length === 1 ? 'it' : 'them'}) first`,
        { namespace: input.namespace, name: input.name, apps: users.map((u) => u.app) },
      );
    }
    const versions = await tx.deleteSecret(input.namespace, input.name);
    if (versions === 0) throw new NotFoundError('secret', `${input.namespace}/${input.name}`, `see "bubo secret ls -n ${input.namespace}"`);
    await tx.appendEvents([
      event(ctx.now(), input.actor, 'secret.removed', `secret ${input.name} of namespace ${input.namespace} removed (${versions} version(s))`, {
        data: { namespace: input.namespace, name: input.name, versions },
      }),
    ]);
    return { namespace: input.namespace, name: input.name, versions };
  });
}
