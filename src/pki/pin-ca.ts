import { X509Certificate } from 'node:crypto';
import { connect, type PeerCertificate } from 'node:tls';
import { DomainError } from '../errors/domain-error.js';
import { certFingerprint } from './fingerprint.js';

const TIMEOUT_MS = 10_000;

/**
 * Fetches the cluster CA certificate from a server's TLS handshake and checks it against the
 * fingerprint the admin gave (`--ca-fingerprint`). Only the handshake happens: no byte of a
 * request (no join token) is sent to a server whose chain does not end in the pinned CA. The
 * returned PEM is then the only trust anchor of every later connection, with the usual name check.
 */
export async function pinCa(serverUrl: string, fingerprint: string): Promise<string> {
  const url = new URL(serverUrl);
  if (url.protocol !== 'https:') throw new DomainError('invalid_config', `--server ${serverUrl}: joining needs https:// (the server's --tls-listen address)`);
  const chain = await new Promise<PeerCertificate[]>((resolve, reject) => {
    const socket = connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 443),
      // The chain is checked below against the pin, not against the system's CAs.
      rejectUnauthorized: false,
      ...(/^[\d.]+$|:/.test(url.hostname) ? {} : { servername: url.hostname }),
      timeout: TIMEOUT_MS,
    });
    socket.once('secureConnect', () => {
      const certs: PeerCertificate[] = [];
      let cert = socket.getPeerCertificate(true) as PeerCertificate & { issuerCertificate?: PeerCertificate };
      while (cert?.raw && !certs.some((c) => c.raw.equals(cert.raw))) {
        certs.push(cert);
        cert = cert.issuerCertificate as PeerCertificate & { issuerCertificate?: PeerCertificate };
      }
      socket.destroy();
      resolve(certs);
    });
    socket.once('timeout', () => socket.destroy(new Error(`no TLS handshake within ${TIMEOUT_MS / 1000} s`)));
    socket.once('error', (error) => reject(new DomainError('unreachable', `cannot reach bubo server at ${serverUrl}: ${error.message}`)));
  });
  const ca = chain.find((cert) => certFingerprint(cert.raw) === fingerprint);
  if (!ca) {
    const seen = chain.map((cert) => certFingerprint(cert.raw)).join(', ') || 'no certificate';
    throw new DomainError('invalid_config', `the server at ${serverUrl} does not present the cluster CA ${fingerprint} (it shows ${seen}); check --ca-fingerprint and --server; nothing was sent`);
  }
  return new X509Certificate(ca.raw).toString();
}
