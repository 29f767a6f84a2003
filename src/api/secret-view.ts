import { z } from 'zod';

/** Limits of the secrets API; docs/secrets.md lists them too. */
export const SECRET_LIMITS = { valueBytes: 64 * 1024, name: 128 };

const namespace = z.string().regex(/^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'a namespace is lowercase letters, digits and "-", starting with a letter');
// The task file's rule for secret names (an environment variable name).
const name = z.string().max(SECRET_LIMITS.name).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a secret name must be letters, digits and "_", not starting with a digit');

export const SecretParams = z.strictObject({ namespace, name });

/** `PUT /v1/secrets/:namespace/:name`: the value is in this body only, never in a URL. */
export const SecretSetRequest = z.strictObject({
  value: z.string().min(1, 'a secret value cannot be empty').refine((value) => Buffer.byteLength(value) <= SECRET_LIMITS.valueBytes, `a secret value is at most ${SECRET_LIMITS.valueBytes} bytes`),
});

export const SecretListQuery = z.strictObject({ namespace: namespace.optional() });

/** What anyone may know of a secret: never its value. */
export const SecretView = z.object({
  namespace: z.string(),
  name: z.string(),
  /** The latest version (new deploys and restarts use it). */
  version: z.number().int(),
  updated_at: z.string(),
  updated_by: z.string(),
  /** Apps whose current release names the secret, with the version each runs. */
  used_by: z.array(z.object({ app: z.string(), version: z.number().int() })),
});
export type SecretView = z.input<typeof SecretView>;

export const SecretList = z.object({ secrets: z.array(SecretView) });

export const SecretRemoved = z.object({ namespace: z.string(), name: z.string(), versions: z.number().int() });

export const SecretKeyRotated = z.object({
  key_id: z.string(),
  /** Stored values re-encrypted with the new key. */
  resealed: z.number().int(),
  /** Keys dropped from the key file. */
  retired: z.array(z.string()),
});
