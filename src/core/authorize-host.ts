import type { z } from 'zod';
import type { RegisterRequest } from '../api/agent-protocol.js';
import { ForbiddenError } from '../errors/forbidden-error.js';
import type { CoreContext } from './core-context.js';
import type { Principal } from './principal.js';
import type { RegisterInput } from './register-host.js';

/**
 * An agent call about host `hostId` made by `principal`: the admin may speak for any host; a
 * host only for itself. An unknown id passes (the action answers not_found, and the agent
 * registers again as itself).
 */
export async function authorizeHostId(ctx: CoreContext, principal: Principal, hostId: string): Promise<void> {
  if (principal.kind === 'admin') return;
  if (principal.kind === 'user') throw new ForbiddenError(`token ${principal.token.name} may not make this call: it needs a host certificate`);
  const host = await ctx.store.getHost(hostId);
  if (host && host.name !== principal.name) {
    throw new ForbiddenError(`this certificate belongs to host ${principal.name}; it cannot act for host ${host.name}`, { host: principal.name, requested: host.name });
  }
}

/**
 * What a registration becomes for `principal`. A host registers under its certificate's name,
 * in its join token's group; its labels are its own merged under the token's (the token wins a
 * key both set); its roles must be among the token's (a role decides what a host is trusted
 * with, e.g. public traffic on `lb`), and the token's roles are always its roles.
 */
export function registrationFor(principal: Principal, body: z.output<typeof RegisterRequest>): RegisterInput {
  if (principal.kind === 'admin') return body;
  if (principal.kind === 'user') throw new ForbiddenError(`token ${principal.token.name} may not make this call: it needs a host certificate`);
  const { cert } = principal;
  if (body.name !== cert.hostName) {
    throw new ForbiddenError(`this certificate belongs to host ${cert.hostName}; it cannot register as ${body.name}`, { host: cert.hostName, requested: body.name });
  }
  if (body.group !== cert.group) {
    throw new ForbiddenError(`host ${cert.hostName} joined group ${cert.group}; it cannot register in group ${body.group}`, { group: cert.group, requested: body.group });
  }
  const extra = body.roles.filter((r) => !cert.roles.includes(r));
  if (extra.length > 0) {
    throw new ForbiddenError(`host ${cert.hostName} joined with roles [${cert.roles.join(', ')}]; it cannot take role ${extra.join(', ')} (create a join token with --role)`, { roles: cert.roles, requested: extra });
  }
  // The server calls a host's listener with its own client certificate; it must be TLS, at the
  // address the host registers, never a URL pointing elsewhere.
  if (body.agent_url !== undefined) {
    const url = new URL(body.agent_url);
    if (url.protocol !== 'https:' || url.hostname.replace(/^\[|\]$/g, '') !== body.address) {
      throw new ForbiddenError(`agent_url ${body.agent_url}: a host's listener must be https:// at its own address ${body.address}`, { field: 'agent_url' });
    }
  }
  return { ...body, labels: { ...body.labels, ...cert.labels }, roles: cert.roles };
}
