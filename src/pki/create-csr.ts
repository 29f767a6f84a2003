import { generateKeyPair, privateKeyToPem, SIGNING_ALGORITHM } from './key-pem.js';
import { x509 } from './x509.js';

/**
 * A new key and a PKCS#10 request for `name`, as an agent sends it to join or renew. The key
 * never leaves the host; the CA decides every name and usage of the certificate itself.
 */
export async function createCsr(name: string): Promise<{ keyPem: string; csrPem: string }> {
  const keys = await generateKeyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [name] }],
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
  });
  return { keyPem: await privateKeyToPem(keys.privateKey), csrPem: csr.toString('pem') };
}
