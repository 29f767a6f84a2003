import { describe, expect, it } from 'vitest';
import { appStatus } from '../../test/support/api-fixtures.js';
import { fakeCliDeps } from '../../test/support/fake-cli-deps.js';
import { runCli } from './run-cli.js';

describe('runCli', () => {
  it('prints exactly the API body with --json', async () => {
    const body = { apps: [appStatus()] };
    const cli = fakeCliDeps({ 'GET /v1/apps': body });
    await runCli(['status', '--json'], cli.deps);
    expect(JSON.parse(cli.stdout())).toEqual(body);
    expect(cli.exitCode()).toBe(0);
    expect(cli.stderr()).toBe('');
  });

  it('sends the token and address from the environment', async () => {
    const cli = fakeCliDeps({ 'GET /v1/groups': { groups: [] } });
    await runCli(['groups'], cli.deps);
    expect(cli.calls).toEqual([{ method: 'GET', path: '/v1/groups', authorization: 'Bearer test-token', body: undefined }]);
  });

  it('prints one line on stderr and exits 1 when the server answers an error', async () => {
    const cli = fakeCliDeps({
      'GET /v1/apps/default/shop': [404, { code: 'not_found', message: 'app "default/shop" not found', details: null }],
    });
    await runCli(['status', 'shop'], cli.deps);
    expect(cli.stderr()).toBe('bubo: app "default/shop" not found\n');
    expect(cli.stdout()).toBe('');
    expect(cli.exitCode()).toBe(1);
  });

  it('prints the error as JSON on stdout with --json', async () => {
    const details = { problems: [{ path: 'count', message: 'too big' }] };
    const cli = fakeCliDeps({
      'POST /v1/apps/default/shop/scale': [400, { code: 'invalid_request', message: 'count: too big', details }],
    });
    await runCli(['--json', 'scale', 'shop', '99999'], cli.deps);
    expect(JSON.parse(cli.stdout())).toEqual({ error: { code: 'invalid_request', message: 'count: too big', details } });
    expect(cli.stderr()).toBe('');
    expect(cli.exitCode()).toBe(1);
  });

  it('prints a multi-line capacity message as the server wrote it', async () => {
    const message = 'cannot place 30 instances of default/shop in group "web"\nresource  requested  free\ncpu       30 cpus    4 cpus';
    const cli = fakeCliDeps({ 'POST /v1/apps/default/shop/scale': [409, { code: 'insufficient_capacity', message, details: {} }] });
    await runCli(['scale', 'shop', '30'], cli.deps);
    expect(cli.stderr()).toBe(`bubo: ${message}\n`);
    expect(cli.exitCode()).toBe(1);
  });

  it('says the server is unreachable without a stack trace', async () => {
    const cli = fakeCliDeps({}, { fetch: async () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })) });
    await runCli(['hosts'], cli.deps);
    expect(cli.stderr()).toBe('bubo: cannot reach bubo server at http://bubo.test: connection refused; is "bubo server" running? set BUBO_ADDR\n');
    expect(cli.exitCode()).toBe(1);
  });

  it('adds the stack trace when BUBO_DEBUG=1', async () => {
    const cli = fakeCliDeps({}, { env: { BUBO_ADDR: 'bubo.test:80', BUBO_DEBUG: '1' }, fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    await runCli(['hosts'], cli.deps);
    const lines = cli.stderr().split('\n');
    expect(lines[0]).toMatch(/^bubo: cannot reach bubo server at http:\/\/bubo.test: /);
    expect(lines[2]).toMatch(/^\s+at /);
  });

  it('exits 2 with one line for an unknown command', async () => {
    const cli = fakeCliDeps();
    await runCli(['stauts'], cli.deps);
    expect(cli.stderr()).toBe("bubo: unknown command 'stauts'\n(Did you mean status?)\n");
    expect(cli.exitCode()).toBe(2);
  });

  it('prints the global help and exits 0 for an unknown command with --help', async () => {
    const cli = fakeCliDeps();
    await runCli(['nosuchcommand', '--help'], cli.deps);
    expect(cli.stdout()).toMatch(/^Usage: bubo \[options\] \[command\]\n/);
    expect(cli.stdout()).toContain('deploy');
    expect(cli.exitCode()).toBe(0);
  });

  it.each([[['--json']], [['--bogus']], [['x', '--addr', 'y']], [['--token', 't', '-n', 'ns']], [['-V']], [['--version']]])(
    'exits 2 for an unknown command whatever flags follow it: %j',
    async (flags) => {
      const cli = fakeCliDeps();
      await runCli(['nosuchcommand', ...flags], cli.deps);
      expect(cli.exitCode()).toBe(2);
      expect(cli.stdout() + cli.stderr()).toContain("unknown command 'nosuchcommand'");
      expect(cli.calls).toEqual([]);
    },
  );

  it('exits 2 for a bad argument of a command', async () => {
    const cli = fakeCliDeps();
    await runCli(['scale', 'shop', 'three'], cli.deps);
    expect(cli.stderr()).toBe('bubo: instance count "three" must be a whole number, e.g. "bubo scale shop 3"\n');
    expect(cli.exitCode()).toBe(2);
    expect(cli.calls).toEqual([]);
  });

  it('prints the version and exits 0', async () => {
    const cli = fakeCliDeps();
    await runCli(['--version'], cli.deps);
    expect(cli.stdout()).toBe('9.9.9\n');
    expect(cli.exitCode()).toBe(0);
  });

  it('lists every command in help', async () => {
    const cli = fakeCliDeps();
    await runCli(['help'], cli.deps);
    for (const name of ['server', 'validate', 'deploy', 'status', 'hosts', 'groups', 'scale', 'stop', 'destroy', 'releases', 'host', 'events']) {
      expect(cli.stdout()).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    expect(cli.exitCode()).toBe(0);
  });
});
