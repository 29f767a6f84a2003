import { describe, expect, it } from 'vitest';
import { type Connection, type ConnectionInput, resolveConnection } from './resolve-connection.js';

const home = '/home/ada';
const localToken = '/home/ada/.local/share/bubo/server/admin.token';
const configPath = '/home/ada/.config/bubo/config.json';

interface Case {
  name: string;
  input?: Partial<ConnectionInput>;
  files?: Record<string, string>;
  want: Connection;
}

const cases: Case[] = [
  {
    name: 'with nothing set it uses the local default address and the local admin token',
    files: { [localToken]: 'local-token\n' },
    want: { baseUrl: 'http://127.0.0.1:7070', token: 'local-token', source: { addr: 'default', token: localToken } },
  },
  {
    name: 'with nothing set and no local server it has no token',
    want: { baseUrl: 'http://127.0.0.1:7070', token: null, source: { addr: 'default', token: 'none' } },
  },
  {
    name: 'root reads the token of /var/lib/bubo/server',
    input: { uid: 0 },
    files: { '/var/lib/bubo/server/admin.token': 'root-token' },
    want: { baseUrl: 'http://127.0.0.1:7070', token: 'root-token', source: { addr: 'default', token: '/var/lib/bubo/server/admin.token' } },
  },
  {
    name: 'the config file wins over the defaults',
    files: { [configPath]: '{"addr": "bubo.lan:7070", "token": "cfg"}', [localToken]: 'local' },
    want: { baseUrl: 'http://bubo.lan:7070', token: 'cfg', source: { addr: configPath, token: configPath } },
  },
  {
    name: 'XDG_CONFIG_HOME moves the config file',
    input: { env: { XDG_CONFIG_HOME: '/xdg' } },
    files: { '/xdg/bubo/config.json': '{"addr": "https://bubo.example.com/"}' },
    want: { baseUrl: 'https://bubo.example.com', token: null, source: { addr: '/xdg/bubo/config.json', token: 'none' } },
  },
  {
    name: 'the environment wins over the config file',
    input: { env: { BUBO_ADDR: '10.0.0.5:7070', BUBO_TOKEN: 'env' } },
    files: { [configPath]: '{"addr": "bubo.lan:7070", "token": "cfg"}' },
    want: { baseUrl: 'http://10.0.0.5:7070', token: 'env', source: { addr: 'BUBO_ADDR', token: 'BUBO_TOKEN' } },
  },
  {
    name: 'BUBO_TOKEN_FILE is read relative to the working directory',
    input: { env: { BUBO_TOKEN_FILE: 'secrets/token' }, cwd: '/srv/app' },
    files: { '/srv/app/secrets/token': ' file-token \n', [configPath]: '{"token": "cfg"}' },
    want: { baseUrl: 'http://127.0.0.1:7070', token: 'file-token', source: { addr: 'default', token: 'secrets/token' } },
  },
  {
    name: 'BUBO_TOKEN wins over BUBO_TOKEN_FILE',
    input: { env: { BUBO_TOKEN: 'env', BUBO_TOKEN_FILE: '/nope' } },
    want: { baseUrl: 'http://127.0.0.1:7070', token: 'env', source: { addr: 'default', token: 'BUBO_TOKEN' } },
  },
  {
    name: 'flags win over everything',
    input: { addr: 'http://flag:1', token: 'flag', env: { BUBO_ADDR: 'env:2', BUBO_TOKEN: 'env' } },
    files: { [configPath]: '{"addr": "cfg:3", "token": "cfg"}' },
    want: { baseUrl: 'http://flag:1', token: 'flag', source: { addr: '--addr', token: '--token' } },
  },
  {
    name: 'the local admin token is not sent to a remote address',
    input: { env: { BUBO_ADDR: 'bubo.example.com:7070' } },
    files: { [localToken]: 'local' },
    want: { baseUrl: 'http://bubo.example.com:7070', token: null, source: { addr: 'BUBO_ADDR', token: 'none' } },
  },
];

function fakeRead(files: Record<string, string>) {
  return async (path: string) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };
}

describe('resolveConnection', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const got = await resolveConnection({ env: {}, cwd: '/', home, uid: 1000, readFile: fakeRead(c.files ?? {}), ...c.input });
      expect(got).toEqual(c.want);
    });
  }

  it('rejects an address that is not host:port or a URL, naming where it came from', async () => {
    await expect(resolveConnection({ env: { BUBO_ADDR: 'ftp://x' }, cwd: '/', home, uid: 1000, readFile: fakeRead({}) })).rejects.toThrow(
      'BUBO_ADDR "ftp://x" is not a server address; write host:port or a URL',
    );
  });

  it('rejects a config file that is not JSON, naming the file', async () => {
    const readFile = fakeRead({ [configPath]: '{addr' });
    await expect(resolveConnection({ env: {}, cwd: '/', home, uid: 1000, readFile })).rejects.toThrow(`config file ${configPath} is not valid JSON`);
  });

  it('fails when an explicitly named token file is missing', async () => {
    const input = { env: { BUBO_TOKEN_FILE: '/etc/bubo/token' }, cwd: '/', home, uid: 1000, readFile: fakeRead({}) };
    await expect(resolveConnection(input)).rejects.toThrow('cannot read token file /etc/bubo/token (BUBO_TOKEN_FILE): ENOENT');
  });
});
