import type { HostCredential } from '../api/join-token.js';
import type { HostCert } from '../domain/host-cert.js';
import { ConflictError } from '../errors/conflict-error.js';
import { ForbiddenError } from '../errors/forbidden-error.js';
import { JoinTokenError } from '../errors/join-token-error.js';
import { checkJoinToken } from './check-join-token.js';
import type { CoreContext } from './core-context.js';
import { hashJoinToken } from './hash-join-token.js';
import { event } from './record-event.js';
import { requirePki } from './require-pki.js';

export interface JoinInput {
  token: string;
  name: string;
  csr: string;
  group?: string | undefined;
  roles?: string[] | undefined;
  address?: string | undefined;
}

/**
 * `POST /v1/agent/join`: a machine with a join token gets a host certificate for `name`, in the
 * token's group with its labels and roles. The token is checked before anything is signed and
 * again in the transaction that takes its use, so N uses make at most N hosts however many
 * agents race. A name that is already a host (or holds a certificate) is refused: joining must
 * never take over another machine's identity.
 */
export async function joinHost(ctx: CoreContext, input: JoinInput): Promise<HostCredential> {
  const pki = requirePki(ctx);
  const hash = hashJoinToken(input.token);
  const found = await ctx.store.findJoinTokenByHash(hash);
  const early = checkJoinToken(found, ctx.now(), input.group);
  if (early) throw early;
  const extra = (input.roles ?? []).filter((r) => !found!.roles.includes(r));
  if (extra.length > 0) {
    throw new ForbiddenError(`--role ${extra.join(', ')}: join token ${found!.id} gives roles [${found!.roles.join(', ')}]; drop --role (the token decides) or create a token with --role`, { roles: found!.roles, requested: extra });
  }
  const issued = await pki.signHost({ name: input.name, csrPem: input.csr, now: ctx.now() });
  const cert = await ctx.store.transaction(async (tx) => {
    const now = ctx.now();
    const token = await tx.findJoinTokenByHash(hash);
    const problem = checkJoinToken(token, now, input.group);
    if (problem) throw problem;
    const taken = (await tx.getHostByName(input.name)) ?? (await tx.listHostCerts(input.name))[0];
    if (taken) {
      throw new ConflictError(
        `host "${input.name}" exists already; to join this machine under that name, remove the old one first ("bubo host remove ${input.name}"), or pass --name`,
        { host: input.name },
      );
    }
    if (!(await tx.consumeJoinTokenUse(token!.id))) throw new JoinTokenError('used_up', `join token ${token!.id} has been used already (no uses left)`);
    const row: HostCert = {
      fingerprint: issued.fingerprint,
      hostName: input.name,
      group: token!.group,
      labels: token!.labels,
      roles: token!.roles,
      serial: issued.serial,
      notAfter: issued.notAfter,
      issuedAt: now,
      joinTokenId: token!.id,
    };
    await tx.insertHostCert(row);
    await tx.appendEvents([
      event(now, `host:${input.name}`, 'host.joined', `host ${input.name} joined group ${token!.group} with join token ${token!.id}${input.address ? ` from ${input.address}` : ''}`, {
        data: { fingerprint: issued.fingerprint, join_token: token!.id },
      }),
    ]);
    return row;
  });
  return credential(cert, issued.pem, pki.caCertPem);
}

export function credential(cert: HostCert, pem: string, caCertPem: string): HostCredential {
  return {
    host_name: cert.hostName,
    group: cert.group,
    labels: cert.labels,
    roles: cert.roles,
    certificate: pem,
    ca_certificate: caCertPem,
    not_after: new Date(cert.notAfter).toISOString(),
  };
}
