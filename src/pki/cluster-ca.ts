import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../errors/domain-error.js';
import { certFingerprint } from './fingerprint.js';
import type { webcrypto } from 'node:crypto';
import { type CryptoKeyPair, generateKeyPair, keyPairFromPem, privateKeyToPem, SIGNING_ALGORITHM } from './key-pem.js';
import { x509 } from './x509.js';

export interface CertificateRequest {
  publicKey: webcrypto.CryptoKey | x509.PublicKey;
  commonName: string;
  dnsNames?: readonly string[];
  ips?: readonly string[];
  uris?: readonly string[];
  /** `server`: TLS server authentication; `client`: TLS client authentication. */
  usages: readonly ('server' | 'client')[];
  notBefore: Date;
  notAfter: Date;
}

export interface IssuedCertificate {
  pem: string;
  fingerprint: string;
  serial: string;
  notBefore: number;
  notAfter: number;
}

/** The cluster's certificate authority: its certificate (what agents pin) and the power to sign. */
export interface ClusterCa {
  certPem: string;
  fingerprint: string;
  issue(request: CertificateRequest): Promise<IssuedCertificate>;
}

const CA_VALIDITY_MS = 10 * 365 * 24 * 3600_000;

/**
 * The CA of `bubo server`, in `<stateDir>/pki/` (`ca.key` 0600, `ca.crt`): created on first
 * start, loaded after. Its fingerprint is what every joining agent pins, so it is never
 * recreated behind the user's back: a half-written pair is an error naming the files.
 */
export async function ensureClusterCa(stateDir: string, now = new Date()): Promise<ClusterCa & { created: boolean }> {
  const dir = join(stateDir, 'pki');
  const keyPath = join(dir, 'ca.key');
  const certPath = join(dir, 'ca.crt');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const [keyPem, certPem] = await Promise.all([readIfExists(keyPath), readIfExists(certPath)]);
  if (keyPem && certPem) return { ...(await loadCa(certPem, keyPem, certPath)), created: false };
  if (keyPem || certPem) {
    throw new DomainError('invalid_config', `the cluster CA in ${dir} is incomplete (${keyPem ? certPath : keyPath} is missing); restore it from a backup, or delete both files to create a new CA (every host must then join again)`);
  }
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=bubo cluster CA',
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + CA_VALIDITY_MS),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  await writeFile(keyPath, await privateKeyToPem(keys.privateKey), { mode: 0o600, flag: 'wx' });
  await chmod(keyPath, 0o600);
  await writeFile(certPath, cert.toString('pem'), { mode: 0o644, flag: 'wx' });
  return { ...caFrom(cert, keys), created: true };
}

async function loadCa(certPem: string, keyPem: string, certPath: string): Promise<ClusterCa> {
  try {
    return caFrom(new x509.X509Certificate(certPem), await keyPairFromPem(keyPem));
  } catch (error) {
    throw new DomainError('invalid_config', `cannot read the cluster CA ${certPath} and its key: ${(error as Error).message}`);
  }
}

function caFrom(cert: x509.X509Certificate, keys: CryptoKeyPair): ClusterCa {
  const certPem = cert.toString('pem');
  return {
    certPem,
    fingerprint: certFingerprint(Buffer.from(cert.rawData)),
    async issue(request) {
      const serial = randomSerial();
      const names = [
        ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
        ...(request.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
        ...(request.uris ?? []).map((value) => ({ type: 'url' as const, value })),
      ];
      const usages = request.usages.map((u) => (u === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth));
      const issued = await x509.X509CertificateGenerator.create({
        serialNumber: serial,
        subject: [{ CN: [request.commonName] }],
        issuer: cert.subject,
        notBefore: request.notBefore,
        notAfter: request.notAfter,
        publicKey: request.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: SIGNING_ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
          new x509.ExtendedKeyUsageExtension(usages),
          ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
          await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      return {
        pem: issued.toString('pem'),
        fingerprint: certFingerprint(Buffer.from(issued.rawData)),
        serial,
        // As encoded: X.509 times have whole seconds, and what TLS checks is what the server must store.
        notBefore: issued.notBefore.getTime(),
        notAfter: issued.notAfter.getTime(),
      };
    },
  };
}

/** 16 random bytes with the top bit clear: a positive, unguessable serial. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
