import { readFile as fsReadFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../errors/domain-error.js';
import { readUpFile, upFilePath } from './up-file.js';
import { defaultServerStateDir } from './default-state-dir.js';
import { normalizeAddr } from './normalize-addr.js';

export const DEFAULT_ADDR = 'http://127.0.0.1:7070';

export interface ConnectionInput {
  /** `--addr` flag. */
  addr?: string | undefined;
  /** `--token` flag. */
  token?: string | undefined;
  env: Record<string, string | undefined>;
  /** Relative token file paths are resolved against this. */
  cwd: string;
  home: string;
  /** Chooses the default server state dir (root or not); defaults to `process.getuid()`. */
  uid?: number;
  readFile?: (path: string) => Promise<string>;
  /** Directory of a `bubo up` (`--dir`); default `<cwd>/.bubo`. */
  upDir?: string | undefined;
}

export interface Connection {
  baseUrl: string;
  token: string | null;
  /** Where each value came from, for messages: `--addr`, `BUBO_ADDR`, a file path, `default`, `none`. */
  source: { addr: string; token: string };
}

const ConfigFile = z.object({
  addr: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  token_file: z.string().min(1).optional(),
});
type ConfigFile = z.infer<typeof ConfigFile>;

/**
 * Where the CLI talks to and with which token. Each of address and token is taken from the first
 * of: flag, environment (`BUBO_ADDR`; `BUBO_TOKEN`, then `BUBO_TOKEN_FILE`), a `bubo up` running from
 * this directory (`./.bubo/up.json`, or `--dir`), the config file
 * (`$XDG_CONFIG_HOME/bubo/config.json`, else `~/.config/bubo/config.json`), the local default
 * (`http://127.0.0.1:7070`, and `admin.token` of the default server state dir). The local token
 * file is only used for a loopback address, so the admin token never travels to another machine.
 */
export async function resolveConnection(input: ConnectionInput): Promise<Connection> {
  const read = input.readFile ?? ((path: string) => fsReadFile(path, 'utf8'));
  const configPath = configFilePath(input.env, input.home);
  let config: ConfigFile | null | undefined;
  const loadConfig = async () => {
    if (config === undefined) config = await readConfig(configPath, read);
    return config;
  };
  const env = (name: string) => (input.env[name] ? input.env[name] : undefined);

  let baseUrl: string;
  let addrSource: string;
  const envAddr = env('BUBO_ADDR');
  const upDir = input.upDir ? resolve(input.cwd, input.upDir) : join(input.cwd, '.bubo');
  const upPath = upFilePath(upDir);
  const up = input.addr || envAddr ? undefined : await readUpFile(upDir, read);
  if (input.addr) [baseUrl, addrSource] = [normalizeAddr(input.addr, '--addr'), '--addr'];
  else if (envAddr) [baseUrl, addrSource] = [normalizeAddr(envAddr, 'BUBO_ADDR'), 'BUBO_ADDR'];
  else if (up) [baseUrl, addrSource] = [normalizeAddr(up.addr, upPath), upPath];
  else {
    const addr = (await loadConfig())?.addr;
    if (addr) [baseUrl, addrSource] = [normalizeAddr(addr, `"addr" in ${configPath}`), configPath];
    else [baseUrl, addrSource] = [DEFAULT_ADDR, 'default'];
  }

  const tokenFile = async (path: string, where: string, optional: boolean) => {
    const full = isAbsolute(path) ? path : resolve(input.cwd, path);
    try {
      const token = (await read(full)).trim();
      if (!token) throw new DomainError('invalid_config', `token file ${full} (${where}) is empty`);
      return token;
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (optional && (code === 'ENOENT' || code === 'EACCES')) return null;
      throw new DomainError('invalid_config', `cannot read token file ${full} (${where}): ${code ?? (error as Error).message}`);
    }
  };

  let token: string | null = null;
  let tokenSource = 'none';
  const envToken = env('BUBO_TOKEN');
  const envTokenFile = env('BUBO_TOKEN_FILE');
  if (input.token) [token, tokenSource] = [input.token, '--token'];
  else if (envToken) [token, tokenSource] = [envToken, 'BUBO_TOKEN'];
  else if (envTokenFile) [token, tokenSource] = [await tokenFile(envTokenFile, 'BUBO_TOKEN_FILE', false), envTokenFile];
  else if (up && addrSource === upPath) [token, tokenSource] = [await tokenFile(up.token_file, upPath, false), up.token_file];
  else {
    const fromConfig = await loadConfig();
    if (fromConfig?.token) [token, tokenSource] = [fromConfig.token, configPath];
    else if (fromConfig?.token_file) {
      [token, tokenSource] = [await tokenFile(fromConfig.token_file, `"token_file" in ${configPath}`, false), fromConfig.token_file];
    } else if (isLoopback(baseUrl)) {
      const path = join(defaultServerStateDir({ home: input.home, ...(input.uid === undefined ? {} : { uid: input.uid }) }), 'admin.token');
      token = await tokenFile(path, 'default', true);
      if (token) tokenSource = path;
    }
  }
  return { baseUrl, token, source: { addr: addrSource, token: tokenSource } };
}

export function configFilePath(env: Record<string, string | undefined>, home: string): string {
  const xdg = env['XDG_CONFIG_HOME'];
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.config'), 'bubo', 'config.json');
}

async function readConfig(path: string, read: (path: string) => Promise<string>): Promise<ConfigFile | null> {
  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DomainError('invalid_config', `cannot read config file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DomainError('invalid_config', `config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = ConfigFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new DomainError('invalid_config', `config file ${path} is invalid: ${problems.join('; ')}; expected {"addr": "host:port", "token": "..."}`);
  }
  return parsed.data;
}

function isLoopback(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}
