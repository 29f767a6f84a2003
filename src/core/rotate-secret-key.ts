import { secretAad } from '../secrets/sealed-secret.js';
import type { CoreContext } from './core-context.js';
import { event } from './record-event.js';
import { requireKeyring } from './require-keyring.js';

/**
 * `bubo server rotate-key`: a new key in the key file, every stored value re-encrypted with it in
 * one transaction, then the old keys dropped. A crash in between leaves the key file holding the
 * old and the new key, which opens every value; running it again finishes the job.
 */
export async function rotateSecretKey(ctx: CoreContext, input: { actor: string }) {
  const keyring = requireKeyring(ctx);
  const keyId = await keyring.rotate();
  const resealed = await ctx.store.transaction(async (tx) => {
    let count = 0;
    for (const secret of await tx.listSecrets()) {
      if (secret.sealed.keyId === keyId) continue;
      const aad = secretAad(secret.namespace, secret.name, secret.version);
      await tx.resealSecret(secret.namespace, secret.name, secret.version, keyring.seal(aad, keyring.open(aad, secret.sealed)));
      count += 1;
    }
    await tx.appendEvents([event(ctx.now(), input.actor, 'secret.key_rotated', `secret key rotated to ${keyId}: ${count} stored value(s) re-encrypted`, { data: { key_id: keyId, resealed: count } })]);
    return count;
  });
  const retired = await keyring.retire();
  return { key_id: keyId, resealed, retired };
}
