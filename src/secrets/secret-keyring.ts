import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { writeJsonFile } from '../fs/write-json-file.js';
import { openSecret, sealSecret } from './seal-secret.js';
import type { SealedSecret } from './sealed-secret.js';
import { SecretKeyError } from './secret-key-error.js';

const KEY_BYTES = 32;

const KeyringFile = z.strictObject({
  version: z.literal(1),
  current: z.string().min(1),
  keys: z.record(z.string().regex(/^[a-z0-9-]{1,32}$/), z.base64()),
});
type KeyringFile = z.infer<typeof KeyringFile>;

/**
 * The keys secret values are encrypted with, in a file of their own (0600, `--secret-key-file`,
 * by default `secret-keys.json` in the server's state directory), never in the database: a copy
 * of the database alone reveals no secret. New values use the current key; every stored value
 * names the key it was sealed with, so after `rotate` the older keys keep opening the values not
 * yet re-encrypted, and `retire` drops them once none is used.
 */
export class SecretKeyring {
  readonly #path: string;
  #file: KeyringFile;
  /** Rotations one at a time: two in flight would each write "old keys + mine" and lose one. */
  #exclusive: Promise<unknown> = Promise.resolve();

  private constructor(path: string, file: KeyringFile) {
    this.#path = path;
    this.#file = file;
  }

  /**
   * Reads the key file, or creates it with one fresh key when it does not exist. A file that
   * exists but cannot be read or is not a key file stops the server: replacing it would lose
   * every secret.
   */
  static async open(path: string, notice: (line: string) => void = () => {}, mustHold: readonly string[] = []): Promise<SecretKeyring> {
    const ring = await SecretKeyring.#load(path, notice, mustHold);
    const missing = [...new Set(mustHold)].filter((id) => !(id in ring.#file.keys));
    if (missing.length > 0) {
      throw new SecretKeyError(
        `the database holds secrets encrypted with key ${missing.join(', ')}, which ${path} does not hold: restore the key file this server used (or point --secret-key-file at it); starting with another would leave every secret unreadable`,
      );
    }
    return ring;
  }

  /**
   * Reads the key file, or creates it when missing and no stored secret needs an older one:
   * `mustHold` are the key ids the database's values name.
   */
  static async #load(path: string, notice: (line: string) => void, mustHold: readonly string[]): Promise<SecretKeyring> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new SecretKeyError(`cannot read the secret key file ${path}: ${(error as Error).message}`);
      if (mustHold.length > 0) {
        throw new SecretKeyError(`the secret key file ${path} is missing, but the database holds secrets encrypted with key ${[...new Set(mustHold)].join(', ')}: restore the file (or point --secret-key-file at it); a new key would leave every secret unreadable`);
      }
      const id = newKeyId();
      const file: KeyringFile = { version: 1, current: id, keys: { [id]: randomBytes(KEY_BYTES).toString('base64') } };
      await writeJsonFile(path, file, { mode: 0o600, indent: 2 });
      notice(`created the secret key file ${path} (keep a copy: without it no stored secret can be read)`);
      return new SecretKeyring(path, file);
    }
    let parsed: KeyringFile;
    try {
      parsed = KeyringFile.parse(JSON.parse(text));
    } catch {
      throw new SecretKeyError(`${path} is not a bubo secret key file (expected {"version":1,"current":ID,"keys":{ID: base64 of 32 bytes}})`);
    }
    for (const [id, key] of Object.entries(parsed.keys)) {
      if (Buffer.from(key, 'base64').length !== KEY_BYTES) throw new SecretKeyError(`${path}: key ${id} is not 32 bytes`);
    }
    if (!(parsed.current in parsed.keys)) throw new SecretKeyError(`${path}: the current key ${parsed.current} is not among its keys`);
    const { mode } = await stat(path);
    if ((mode & 0o077) !== 0) notice(`the secret key file ${path} can be read by other users: "chmod 600 ${path}"`);
    return new SecretKeyring(path, parsed);
  }

  get path(): string {
    return this.#path;
  }

  get currentKeyId(): string {
    return this.#file.current;
  }

  keyIds(): string[] {
    return Object.keys(this.#file.keys);
  }

  seal(aad: string, value: string): SealedSecret {
    return sealSecret({ id: this.#file.current, bytes: this.#key(this.#file.current) }, aad, value);
  }

  open(aad: string, sealed: SealedSecret): string {
    return openSecret(this.#key(sealed.keyId), aad, sealed);
  }

  /** Runs `fn` after every earlier call of this method has settled: one rotation at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#exclusive.then(fn, fn);
    this.#exclusive = run.catch(() => {});
    return run;
  }

  /** Adds a fresh key and makes it current (the file is written before it is used). Returns its id. */
  async rotate(): Promise<string> {
    const id = newKeyId();
    await this.#write({ version: 1, current: id, keys: { ...this.#file.keys, [id]: randomBytes(KEY_BYTES).toString('base64') } });
    return id;
  }

  /** Drops every key but the current one and those in `inUse` (keys stored values still name). Returns the ids dropped. */
  async retire(inUse: ReadonlySet<string> = new Set()): Promise<string[]> {
    const dropped = this.keyIds().filter((id) => id !== this.#file.current && !inUse.has(id));
    if (dropped.length === 0) return [];
    const keys = Object.fromEntries(Object.entries(this.#file.keys).filter(([id]) => !dropped.includes(id)));
    await this.#write({ version: 1, current: this.#file.current, keys });
    return dropped;
  }

  async #write(file: KeyringFile): Promise<void> {
    try {
      await writeJsonFile(this.#path, file, { mode: 0o600, indent: 2 });
    } catch (error) {
      throw new SecretKeyError(`cannot write the secret key file ${this.#path}: ${(error as Error).message}`);
    }
    this.#file = file;
  }

  #key(id: string): Buffer {
    const key = this.#file.keys[id];
    if (key === undefined) throw new SecretKeyError(`a stored secret was encrypted with key ${id}, which is not in ${this.#path}`);
    return Buffer.from(key, 'base64');
  }
}

function newKeyId(): string {
  return `k-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
}
