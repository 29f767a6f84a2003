import { describe, expect, it } from 'vitest';
import { fakeCliDeps } from '../../../test/support/fake-cli-deps.js';
import { runCli } from '../run-cli.js';

const view = { id: 'tok-1', name: 'alice', role: 'deployer', namespaces: ['shop'], grants: [], expires_at: null, revoked: false, created_at: '2024-05-01T11:00:00.000Z', created_by: 'admin' };

describe('bubo token', () => {
  it('create sends name, role, namespaces and ttl, and prints the token once', async () => {
    const cli = fakeCliDeps({ 'POST /v1/tokens': [201, { ...view, expires_at: '2024-07-30T12:00:00.000Z', token: 'bubo_tok_SECRET' }] });
    await runCli(['token', 'create', '--name', 'alice', '--role', 'deployer', '--namespace', 'shop', '--ttl', '90d'], cli.deps);
    expect(cli.calls[0]?.body).toEqual({ name: 'alice', role: 'deployer', namespaces: ['shop'], grants: [], ttl_ms: 90 * 24 * 3600_000 });
    expect(cli.stdout()).toContain('token tok-1 for alice: deployer of shop, valid until 2024-07-30T12:00:00.000Z\ntoken: bubo_tok_SECRET\n');
  });

  it('refuses an unknown role before calling the server', async () => {
    const cli = fakeCliDeps();
    await runCli(['token', 'create', '--name', 'alice', '--role', 'root'], cli.deps);
    expect(cli.stderr()).toContain('--role "root" must be one of admin, operator, deployer, viewer');
    expect(cli.calls).toEqual([]);
  });

  it('ls shows tokens without secrets; revoke names the token', async () => {
    const cli = fakeCliDeps({ 'GET /v1/tokens': { tokens: [view] }, 'DELETE /v1/tokens/tok-1': { ...view, revoked: true } });
    await runCli(['token', 'ls'], cli.deps);
    expect(cli.stdout()).toMatch(/^tok-1\s+alice\s+deployer\s+shop\s+-\s+no\s+admin$/m);
    await runCli(['token', 'revoke', 'tok-1'], cli.deps);
    expect(cli.stdout()).toContain('token tok-1 of alice revoked\n');
  });
});

describe('bubo login', () => {
  it('checks the token read from stdin against the server and stores it with the address, 0600', async () => {
    const written: [string, string][] = [];
    const cli = fakeCliDeps(
      { 'GET /v1/apps': { apps: [] } },
      { readSecretInput: async () => 'bubo_tok_SECRET\n', writePrivateFile: async (path, text) => void written.push([path, text]) },
    );
    await runCli(['login', '--addr', 'http://bubo.test'], cli.deps);
    expect(cli.calls[0]?.authorization).toBe('Bearer bubo_tok_SECRET');
    expect(written).toEqual([['/home/test/.config/bubo/config.json', `${JSON.stringify({ addr: 'http://bubo.test', token: 'bubo_tok_SECRET' }, null, 2)}\n`]]);
    expect(cli.stdout()).toBe('logged in to http://bubo.test; token stored in /home/test/.config/bubo/config.json (0600)\n');
  });

  it('stores nothing when the server refuses the token', async () => {
    const written: string[] = [];
    const cli = fakeCliDeps(
      { 'GET /v1/apps': [401, { code: 'unauthorized', message: 'missing or invalid token', details: null }] },
      { readSecretInput: async () => 'wrong', writePrivateFile: async (path) => void written.push(path) },
    );
    await runCli(['login', '--addr', 'http://bubo.test'], cli.deps);
    expect(cli.exitCode()).toBe(1);
    expect(written).toEqual([]);
  });
});
