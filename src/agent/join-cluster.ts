import { ApiClient } from '../client/api-client.js';
import { tlsFetch } from '../client/tls-fetch.js';
import { createCsr } from '../pki/create-csr.js';
import { pinCa } from '../pki/pin-ca.js';
import { type HostCredentialFiles, readHostCredential, writeHostCredential } from './host-credential-files.js';

export interface JoinClusterInput {
  server: string;
  token: string;
  /** `sha256:<hex>`, already normalised. */
  caFingerprint: string;
  name: string;
  /** `--group`, which must then be the token's. */
  group?: string | undefined;
  /** `--role`s, which must be among the token's. */
  roles?: string[] | undefined;
  address: string;
  stateDir: string;
}

/**
 * `bubo agent --join`: pin the cluster CA from the server's TLS handshake (nothing is sent to a
 * server that does not present it), make a key here, send a certificate request with the join
 * token, and store what comes back. From then on the agent speaks mTLS with this credential.
 */
export async function joinCluster(input: JoinClusterInput): Promise<HostCredentialFiles> {
  const ca = await pinCa(input.server, input.caFingerprint);
  const { keyPem, csrPem } = await createCsr(input.name);
  const client = new ApiClient({ baseUrl: input.server, fetch: tlsFetch({ ca }) });
  const answer = await client.call('agentJoin', {
    body: { token: input.token, name: input.name, csr: csrPem, address: input.address, ...(input.group ? { group: input.group } : {}), ...(input.roles?.length ? { roles: input.roles } : {}) },
  });
  await writeHostCredential(input.stateDir, {
    hostName: answer.host_name,
    group: answer.group,
    labels: answer.labels,
    roles: answer.roles,
    server: input.server,
    key: keyPem,
    cert: answer.certificate,
    ca: answer.ca_certificate,
  });
  return (await readHostCredential(input.stateDir))!;
}

/** Renewal with the current certificate: a new key and request; the stored credential is replaced. */
export async function renewCredential(client: ApiClient, stateDir: string, current: HostCredentialFiles): Promise<HostCredentialFiles> {
  const { keyPem, csrPem } = await createCsr(current.hostName);
  const answer = await client.call('agentRenew', { body: { csr: csrPem } });
  await writeHostCredential(stateDir, { ...current, key: keyPem, cert: answer.certificate, ca: answer.ca_certificate });
  return (await readHostCredential(stateDir))!;
}
