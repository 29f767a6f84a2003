import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiClient } from '../client/api-client.js';
import { renewalDue } from '../pki/renewal-due.js';
import { renewalRetryMs } from '../pki/renewal-retry-ms.js';
import type { HostCredentialFiles } from './host-credential-files.js';
import { renewCredential } from './join-cluster.js';

export interface KeepCredentialRenewedOptions {
  client: ApiClient;
  stateDir: string;
  credential: HostCredentialFiles;
  /** Each new credential, once stored: the caller moves its connections and listener to it. */
  onRenewed: (credential: HostCredentialFiles) => void;
  log: (line: string) => void;
  signal: AbortSignal;
}

/**
 * Renews the host certificate once less than a third of its lifetime is left (`renewalDue`),
 * checking every `renewalRetryMs` (a tenth of the lifetime, at most a minute), until `signal`.
 * A loop of its own, not the agent's idle tick: that tick waits while any instance starts or
 * stops (a large image pull, a drain delay) and is skipped when a status report fails, and a
 * renewal must not wait for either. A failed renewal is retried at the same cadence; once the
 * certificate has expired the server refuses it, and the log says how to join again.
 */
export async function keepCredentialRenewed(options: KeepCredentialRenewedOptions): Promise<void> {
  let credential = options.credential;
  let saidExpired = false;
  while (!options.signal.aborted) {
    if (renewalDue(credential, Date.now())) {
      try {
        credential = await renewCredential(options.client, options.stateDir, credential);
        saidExpired = false;
        options.onRenewed(credential);
        options.log(`certificate renewed, valid until ${new Date(credential.notAfter).toISOString()}`);
      } catch (error) {
        if (options.signal.aborted) return;
        if (credential.notAfter > Date.now()) {
          options.log(
            `certificate renewal failed (retrying in ${renewalRetryMs(credential) / 1000}s; the certificate expires at ${new Date(credential.notAfter).toISOString()}): ${(error as Error).message}`,
          );
        } else if (!saidExpired) {
          saidExpired = true;
          options.log(`${expiredCredentialMessage(credential, options.stateDir)} (renewal: ${(error as Error).message})`);
        }
      }
    }
    await sleep(renewalRetryMs(credential), undefined, { signal: options.signal }).catch(() => {});
  }
}

/** What a host whose certificate has expired must do: the server refuses it, and only a new join helps. */
export function expiredCredentialMessage(credential: Pick<HostCredentialFiles, 'hostName' | 'group' | 'notAfter'>, stateDir: string): string {
  return (
    `the certificate of host ${credential.hostName} expired at ${new Date(credential.notAfter).toISOString()} and the server refuses it; ` +
    `to join again: on the server "bubo host remove ${credential.hostName} --force" and "bubo host join-token create --group ${credential.group}", ` +
    `then here remove ${stateDir}/pki and start the agent with --join TOKEN --ca-fingerprint sha256:…`
  );
}
