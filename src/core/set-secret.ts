import type { SecretView } from '../api/secret-view.js';
import { secretAad } from '../secrets/sealed-secret.js';
import type { CoreContext } from './core-context.js';
import { event } from './record-event.js';
import { requireKeyring } from './require-keyring.js';
import { secretUsers } from './secret-users.js';
import { secretView } from './secret-view.js';

/**
 * `bubo secret set`: stores a new version of the secret, encrypted. Nothing restarts: apps run
 * the version their release records until a deploy or `bubo restart` picks the new one up. The
 * value is in no event, answer or message.
 */
export async function setSecret(ctx: CoreContext, input: { namespace: string; name: string; value: string; actor: string }): Promise<SecretView> {
  const keyring = requireKeyring(ctx);
  return ctx.store.transaction(async (tx) => {
    const now = ctx.now();
    // A counter, not the highest stored version + 1: after `secret rm` and a new `set`, version 1
    // of the old value (still named by old releases) must not come back as another value.
    const version = await tx.incrementCounter(`secret-version:${input.namespace}/${input.name}`);
    const secret = {
      namespace: input.namespace,
      name: input.name,
      version,
      sealed: keyring.seal(secretAad(input.namespace, input.name, version), input.value),
      createdAt: now,
      createdBy: input.actor,
    };
    await tx.insertSecret(secret);
    const users = (await secretUsers(ctx, tx, input.namespace)).get(input.name) ?? [];
    const behind = users.map((u) => u.app);
    const hint = behind.length > 0 ? `; ${behind.join(', ')} keep${behind.length === 1 ? 's' : ''} the version ${behind.length === 1 ? 'it runs' : 'they run'} until "bubo restart APP" or a deploy` : '';
    await tx.appendEvents([
      event(now, input.actor, 'secret.set', `secret ${input.name} of namespace ${input.namespace} set (version ${version})${hint}`, {
        data: { namespace: input.namespace, name: input.name, version },
      }),
    ]);
    return secretView(secret, users);
  });
}
