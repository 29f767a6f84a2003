import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretKeyring } from './secret-keyring.js';
import { SecretKeyError } from './secret-key-error.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-keyring-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SecretKeyring', () => {
  it('creates a 0600 key file on first open, and the same keys open on the next', async () => {
    const path = join(dir, 'secret-keys.json');
    const notices: string[] = [];
    const first = await SecretKeyring.open(path, (line) => notices.push(line));
    expect(notices).toEqual([`created the secret key file ${path} (keep a copy: without it no stored secret can be read)`]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const sealed = first.seal('aad', 'value');
    const again = await SecretKeyring.open(path);
    expect(again.currentKeyId).toBe(first.currentKeyId);
    expect(again.open('aad', sealed)).toBe('value');
  });

  it('rotates: the new key seals, the old one still opens until retired, and the file follows', async () => {
    const path = join(dir, 'keys.json');
    const ring = await SecretKeyring.open(path);
    const old = ring.currentKeyId;
    const before = ring.seal('aad', 'v');
    const next = await ring.rotate();
    expect(next).not.toBe(old);
    expect(ring.seal('aad', 'v').keyId).toBe(next);
    expect(ring.open('aad', before)).toBe('v');
    expect(Object.keys(JSON.parse(await readFile(path, 'utf8')).keys).sort()).toEqual([old, next].sort());
    expect(await ring.retire()).toEqual([old]);
    expect(Object.keys(JSON.parse(await readFile(path, 'utf8')).keys)).toEqual([next]);
    expect(() => ring.open('aad', before)).toThrow(`a stored secret was encrypted with key ${old}, which is not in ${path}`);
    expect(await ring.retire()).toEqual([]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', 'nope', 'is not a bubo secret key file'],
    ['another shape', '{"keys":[]}', 'is not a bubo secret key file'],
    ['a short key', JSON.stringify({ version: 1, current: 'k1', keys: { k1: Buffer.alloc(16).toString('base64') } }), 'key k1 is not 32 bytes'],
    ['a current key it does not hold', JSON.stringify({ version: 1, current: 'k2', keys: { k1: Buffer.alloc(32).toString('base64') } }), 'the current key k2 is not among its keys'],
  ])('refuses a key file that is %s, and leaves it as it was', async (_what, text, message) => {
    const path = join(dir, 'keys.json');
    await writeFile(path, text, { mode: 0o600 });
    const error = await SecretKeyring.open(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretKeyError);
    expect((error as Error).message).toContain(message);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('keeps keys stored values still name when retiring', async () => {
    const ring = await SecretKeyring.open(join(dir, 'keys.json'));
    const first = ring.currentKeyId;
    const sealed = ring.seal('aad', 'v');
    await ring.rotate();
    expect(await ring.retire(new Set([first]))).toEqual([]);
    expect(ring.open('aad', sealed)).toBe('v');
  });

  it('runs exclusive work one at a time, so two rotations in flight keep both keys', async () => {
    const path = join(dir, 'keys.json');
    const ring = await SecretKeyring.open(path);
    const ids = await Promise.all([ring.exclusive(() => ring.rotate()), ring.exclusive(() => ring.rotate())]);
    const file = JSON.parse(await readFile(path, 'utf8'));
    expect(Object.keys(file.keys)).toEqual(expect.arrayContaining(ids));
    expect(file.current).toBe(ids[1]);
  });

  it('refuses to create a new key file, or to use one, that lacks keys the database names', async () => {
    const path = join(dir, 'keys.json');
    const missing = await SecretKeyring.open(path, () => {}, ['k-old']).catch((e: unknown) => e);
    expect((missing as Error).message).toContain(`the secret key file ${path} is missing, but the database holds secrets encrypted with key k-old`);
    await expect(stat(path)).rejects.toThrow();
    await SecretKeyring.open(path);
    const wrong = await SecretKeyring.open(path, () => {}, ['k-old']).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(SecretKeyError);
    expect((wrong as Error).message).toContain(`the database holds secrets encrypted with key k-old, which ${path} does not hold`);
  });

  it('says so when other users can read the key file', async () => {
    const path = join(dir, 'keys.json');
    await SecretKeyring.open(path);
    await chmod(path, 0o644);
    const notices: string[] = [];
    await SecretKeyring.open(path, (line) => notices.push(line));
    expect(notices).toEqual([`the secret key file ${path} can be read by other users: "chmod 600 ${path}"`]);
  });
});
