import { z } from 'zod';
import { GRANTS, ROLES } from '../domain/api-token.js';

const namespace = z.string().regex(/^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'a namespace is lowercase letters, digits and "-", starting with a letter');

/** `bubo token create`: who, as what, where, for how long. */
export const ApiTokenCreateRequest = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,62}$/, 'a token name is letters, digits, ".", "_", "@" and "-" (a person or a robot), at most 63'),
    role: z.enum(ROLES),
    namespaces: z.array(namespace).max(64).default([]),
    /** A viewer's extras: `logs`. */
    grants: z.array(z.enum(GRANTS)).max(GRANTS.length).default([]),
    /** Validity in milliseconds from now; absent: until revoked. */
    ttl_ms: z.number().int().min(1000).max(10 * 365 * 24 * 3600_000).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.role === 'deployer' && body.namespaces.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['namespaces'], message: 'a deployer needs at least one namespace (--namespace shop)' });
    }
    if (body.role !== 'viewer' && body.grants.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['grants'], message: `grants are for viewers; a ${body.role} has what its role gives` });
    }
    if ((body.role === 'admin' || body.role === 'operator') && body.namespaces.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['namespaces'], message: `an ${body.role} acts on every namespace; leave out --namespace` });
    }
  });

export const ApiTokenView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  namespaces: z.array(z.string()),
  grants: z.array(z.string()),
  expires_at: z.string().nullable(),
  revoked: z.boolean(),
  created_at: z.string(),
  created_by: z.string(),
});
export type ApiTokenView = z.input<typeof ApiTokenView>;

/** The secret is in this answer only; the server keeps its hash. */
export const ApiTokenCreated = ApiTokenView.extend({ token: z.string() });
export const ApiTokenList = z.object({ tokens: z.array(ApiTokenView) });
export const ApiTokenParams = z.strictObject({ id: z.string().max(64) });
