import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClusterCa } from '../pki/cluster-ca.js';
import { createCsr } from '../pki/create-csr.js';
import { signHostCsr } from '../pki/sign-host-csr.js';
import { pkiDir, readHostCredential, writeHostCredential } from './host-credential-files.js';

let dir: string;
const pairs: { key: string; cert: string }[] = [];
let ca = '';
const identity = { hostName: 'web-1', group: 'web', labels: { rack: 'r1' }, roles: [], server: 'https://192.0.2.10:7443' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-credential-'));
  const cluster = await ensureClusterCa(join(dir, 'ca'));
  ca = cluster.certPem;
  for (let i = 0; i < 2; i++) {
    const { keyPem, csrPem } = await createCsr('web-1');
    pairs.push({ key: keyPem, cert: (await signHostCsr(cluster, { name: 'web-1', csrPem, now: Date.now() })).pem });
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function agentDirWith(files: Record<string, string>): Promise<string> {
  const stateDir = await mkdtemp(join(dir, 'agent-'));
  await writeHostCredential(stateDir, { ...identity, ca, ...pairs[0]! });
  for (const [name, text] of Object.entries(files)) await writeFile(join(pkiDir(stateDir), name), text);
  return stateDir;
}

describe('the stored host credential', () => {
  it('is replaced whole: the key 0600, nothing left beside it', async () => {
    const stateDir = await agentDirWith({});
    await writeHostCredential(stateDir, { ...identity, ca, ...pairs[1]! });
    const read = await readHostCredential(stateDir);
    expect(read).toMatchObject({ ...identity, key: pairs[1]!.key, cert: pairs[1]!.cert, ca });
    expect((await stat(join(pkiDir(stateDir), 'host.key'))).mode & 0o777).toBe(0o600);
    expect((await readdir(pkiDir(stateDir))).sort()).toEqual(['ca.crt', 'host.crt', 'host.key', 'identity.json']);
  });

  it('a crash after the new certificate was put beside the old pair: the old pair, the new certificate dropped', async () => {
    const stateDir = await agentDirWith({ 'host.crt.next': pairs[1]!.cert });
    expect(await readHostCredential(stateDir)).toMatchObject(pairs[0]!);
    expect(await readdir(pkiDir(stateDir))).not.toContain('host.crt.next');
  });

  it('a crash after the new key replaced the old one: the new pair, finished', async () => {
    const stateDir = await agentDirWith({ 'host.crt.next': pairs[1]!.cert, 'host.key': pairs[1]!.key });
    expect(await readHostCredential(stateDir)).toMatchObject(pairs[1]!);
    expect(await readFile(join(pkiDir(stateDir), 'host.crt'), 'utf8')).toBe(pairs[1]!.cert);
    expect(await readdir(pkiDir(stateDir))).not.toContain('host.crt.next');
  });

  it('a crash before a temporary file took its name leaves the old pair', async () => {
    const stateDir = await agentDirWith({ 'host.key.tmp': pairs[1]!.key });
    expect(await readHostCredential(stateDir)).toMatchObject(pairs[0]!);
    // The next write reuses the temporary name.
    await writeHostCredential(stateDir, { ...identity, ca, ...pairs[1]! });
    expect(await readHostCredential(stateDir)).toMatchObject(pairs[1]!);
  });

  it('none before the agent joined', async () => {
    const stateDir = await mkdtemp(join(dir, 'agent-'));
    expect(await readHostCredential(stateDir)).toBeUndefined();
  });
});
