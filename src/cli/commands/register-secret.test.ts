import { describe, expect, it } from 'vitest';
import { fakeCliDeps } from '../../../test/support/fake-cli-deps.js';
import { runCli } from '../run-cli.js';

const view = (over: Record<string, unknown> = {}) => ({
  namespace: 'shop',
  name: 'DB_PASSWORD',
  version: 2,
  updated_at: '2024-05-01T11:00:00.000Z',
  updated_by: 'admin',
  used_by: [],
  ...over,
});

describe('bubo secret', () => {
  it('set reads the value from stdin and sends it only in the body, never the URL or output', async () => {
    const prompts: string[] = [];
    const cli = fakeCliDeps(
      { 'PUT /v1/secrets/shop/DB_PASSWORD': view({ used_by: [{ app: 'web', version: 1 }] }) },
      {
        readSecretInput: async (prompt) => {
          prompts.push(prompt);
          return 'hunter2';
        },
      },
    );
    await runCli(['secret', 'set', 'DB_PASSWORD', '-n', 'shop'], cli.deps);
    expect(cli.exitCode()).toBe(0);
    expect(prompts).toEqual(['value of secret DB_PASSWORD in namespace shop (not shown): ']);
    expect(cli.calls).toEqual([{ method: 'PUT', path: '/v1/secrets/shop/DB_PASSWORD', authorization: 'Bearer test-token', body: { value: 'hunter2' } }]);
    expect(cli.stdout()).toBe(
      'secret DB_PASSWORD of namespace shop set: version 2\nused by web (runs version 1): nothing restarted; "bubo restart APP -n shop" rolls the new version out\n',
    );
    expect(cli.stdout() + cli.stderr()).not.toContain('hunter2');
  });

  it('set --from-file sends the file byte for byte; a missing file or an empty value is a usage error', async () => {
    const cli = fakeCliDeps({ 'PUT /v1/secrets/default/TLS_KEY': view({ namespace: 'default', name: 'TLS_KEY', version: 1 }) }, {
      readFile: async (path) => {
        if (path === 'tls.key') return '-----BEGIN KEY-----\nabc\n-----END KEY-----\n';
        if (path === 'empty') return '';
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      },
    });
    await runCli(['secret', 'set', 'TLS_KEY', '--from-file', 'tls.key'], cli.deps);
    expect(cli.calls[0]?.body).toEqual({ value: '-----BEGIN KEY-----\nabc\n-----END KEY-----\n' });
    await runCli(['secret', 'set', 'TLS_KEY', '--from-file', 'nope'], cli.deps);
    expect(cli.stderr()).toContain('--from-file nope: no such file');
    await runCli(['secret', 'set', 'TLS_KEY', '--from-file', 'empty'], cli.deps);
    expect(cli.stderr()).toContain('the value of secret TLS_KEY is empty');
    expect(cli.calls).toHaveLength(1);
    expect(cli.exitCode()).toBe(2);
  });

  it('ls prints names, versions, who and which apps run which version; --json the answer', async () => {
    const secrets = [view({ used_by: [{ app: 'web', version: 1 }, { app: 'api', version: 2 }] }), view({ name: 'API_KEY', version: 1 })];
    const cli = fakeCliDeps({ 'GET /v1/secrets?namespace=shop': { secrets } });
    await runCli(['secret', 'ls', '-n', 'shop'], cli.deps);
    expect(cli.stdout()).toBe(
      [
        'NAMESPACE   NAME          VERSION   UPDATED                    BY      USED BY',
        'shop        DB_PASSWORD   2         2024-05-01T11:00:00.000Z   admin   web (v1), api',
        'shop        API_KEY       1         2024-05-01T11:00:00.000Z   admin   -',
        '',
      ].join('\n'),
    );
    const json = fakeCliDeps({ 'GET /v1/secrets': { secrets } });
    await runCli(['secret', 'ls', '--json'], json.deps);
    expect(JSON.parse(json.stdout())).toEqual({ secrets });
  });

  it('rm names what it removed, and passes the refusal of a secret in use on', async () => {
    const cli = fakeCliDeps({
      'DELETE /v1/secrets/default/OLD': { namespace: 'default', name: 'OLD', versions: 3 },
      'DELETE /v1/secrets/default/TOKEN': [409, { code: 'secret_in_use', message: 'secret TOKEN of namespace default is used by the current release of web; …', details: { apps: ['web'] } }],
    });
    await runCli(['secret', 'rm', 'OLD'], cli.deps);
    expect(cli.stdout()).toBe('secret OLD of namespace default removed (3 version(s))\n');
    await runCli(['secret', 'rm', 'TOKEN'], cli.deps);
    expect(cli.stderr()).toContain('secret TOKEN of namespace default is used by the current release of web');
    expect(cli.exitCode()).toBe(1);
  });

  it('server rotate-key reports the new key and what was re-encrypted', async () => {
    const cli = fakeCliDeps({ 'POST /v1/server/rotate-key': { key_id: 'k-2024-05-01-abcdef', resealed: 4, retired: ['k-old'] } });
    await runCli(['server', 'rotate-key'], cli.deps);
    expect(cli.stdout()).toBe('secret key rotated to k-2024-05-01-abcdef: 4 stored value(s) re-encrypted; dropped k-old from the key file\n');
  });
});
