import { secretAad } from '../secrets/sealed-secret.js';
import { SecretKeyError } from '../secrets/secret-key-error.js';
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
  return keyring.exclusive(async () => {
    const keyId = await keyring.rotate();
    const resealed = await ctx.store.transaction(async (tx) => {
      let count = 0;
      for (const secret of await tx.listSecrets()) {
        if (secret.sealed.keyId === keyId) continue;
        const aad = secretAad(secret.namespace, secret.name, secret.version);
        let value: string;
        try {
          value = keyring.open(aad, secret.sealed);
        } catch (error) {
          throw new SecretKeyError(`cannot re-encrypt secret ${secret.name} version ${secret.version} of namespace ${secret.namespace}: ${(error as Error).message}; nothing was changed but the new key in the key file`);
        }
        await tx.resealSecret(secret.namespace, secret.name, secret.version, keyring.seal(aad, value));
        count += 1;
      }
      await tx.appendEvents([event(ctx.now(), input.actor, 'secret.key_rotated', `secret key rotated to ${keyId}: ${count} stored value(s) re-encrypted`, { data: { key_id: keyId, resealed: count } })]);
      return count;
    });
    // A value set while this ran may have been sealed with the previous key: a key a stored
    // value still names stays (the next rotation takes it).
    const inUse = new Set((await ctx.store.listSecrets()).map((s) => s.sealed.keyId));
    const retired = await keyring.retire(inUse);
    return { key_id: keyId, resealed, retired };
  });
}
