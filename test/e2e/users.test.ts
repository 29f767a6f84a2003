import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuboWithInput } from '../support/run-bubo.js';
import { freePort, ServerProcess } from '../support/server-process.js';

const bubo = runBuboWithInput;

const task = (namespace: string) => `app = "site"\nnamespace = "${namespace}"\ngroup = "web"\ncount = 1\nruntime = "container"\n\n[[containers]]\nname = "web"\nimage = "registry.invalid:5000/site:1"\n`;

/**
 * Users, roles and the audit log through a real `bubo server` process and the CLI as people use
 * it: the admin makes tokens, each person logs in with theirs (stdin, a config file of their
 * own) and is allowed or refused by role and namespace; a revoked token stops at once; the audit
 * log names every caller. No agent: a host registered with the admin token gives the group
 * capacity, and what is deployed never needs to start.
 */
describe('users, roles and the audit log', () => {
  let dir: string;
  let server: ServerProcess;
  let admin: Record<string, string>;
  const homes: Record<string, Record<string, string>> = {};

  /** A person's CLI environment: their own HOME, logged in with `token`. */
  const loginAs = async (name: string, token: string) => {
    const home = join(dir, `home-${name}`);
    const env = { HOME: home, BUBO_ADDR: '' };
    const login = await bubo(['login', '--addr', server.url], env, `${token}\n`);
    expect(login.code, login.stderr).toBe(0);
    expect((await stat(join(home, '.config', 'bubo', 'config.json'))).mode & 0o777).toBe(0o600);
    homes[name] = env;
  };
  const createToken = async (args: string[]) => {
    const created = await bubo(['token', 'create', ...args, '--json'], admin);
    expect(created.code, created.stderr).toBe(0);
    return JSON.parse(created.stdout) as { id: string; token: string };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-users-'));
    server = new ServerProcess(join(dir, 'server'), await freePort());
    await server.start();
    const token = (await readFile(join(dir, 'server', 'admin.token'), 'utf8')).trim();
    admin = { HOME: join(dir, 'home-admin'), BUBO_ADDR: server.url, BUBO_TOKEN: token };
    const res = await fetch(`${server.url}/v1/agent/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'h1', group: 'web', address: '192.0.2.1', capacity: { cpus: 8, memory_mib: 8192, disk_mib: 40960 }, runtimes: [{ name: 'runc', kind: 'container', available: true }], labels: {}, roles: [] }),
    });
    expect(res.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a deployer of shop deploys there and is refused in billing, with the role it needs', async () => {
    const alice = await createToken(['--name', 'alice', '--role', 'deployer', '-n', 'shop', '--ttl', '90d']);
    await loginAs('alice', alice.token);
    const file = join(dir, 'shop.toml');
    await (await import('node:fs/promises')).writeFile(file, task('shop'));
    const ok = await bubo(['deploy', file], homes['alice']!);
    expect(ok.code, ok.stderr).toBe(0);
    await (await import('node:fs/promises')).writeFile(file, task('billing'));
    const refused = await bubo(['deploy', file], homes['alice']!);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('token alice (deployer of shop) may not make this call: it needs role deployer of namespace billing, or admin');
  }, 60_000);

  it('a viewer reads and cannot deploy', async () => {
    const viewer = await createToken(['--name', 'dashboard', '--role', 'viewer']);
    await loginAs('dashboard', viewer.token);
    const status = await bubo(['status'], homes['dashboard']!);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('site');
    const refused = await bubo(['scale', 'shop/site', '3'], homes['dashboard']!);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('it needs role deployer of namespace shop, or admin');
    expect((await bubo(['token', 'ls'], homes['dashboard']!)).stderr).toContain('it needs role admin');
  }, 60_000);

  it('a revoked token is refused at once', async () => {
    const ci = await createToken(['--name', 'ci-shop', '--role', 'deployer', '-n', 'shop']);
    await loginAs('ci', ci.token);
    expect((await bubo(['status'], homes['ci']!)).code).toBe(0);
    expect((await bubo(['token', 'revoke', ci.id], admin)).code).toBe(0);
    const after = await bubo(['status'], homes['ci']!);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/401|token/i);
  }, 60_000);

  it('the audit log shows each call with its caller, role and outcome', async () => {
    const audit = await bubo(['audit', '--json'], admin);
    expect(audit.code, audit.stderr).toBe(0);
    const calls = (JSON.parse(audit.stdout) as { records: { actor: string; role: string; method: string; target: string; status: number }[] }).records.map(
      (r) => `${r.actor} ${r.role} ${r.method} ${r.target} ${r.status}`,
    );
    expect(calls).toEqual([
      'admin admin POST /v1/agent/register 200',
      'admin admin POST /v1/tokens 201',
      'alice deployer POST /v1/deploy 201',
      'alice deployer POST /v1/deploy 403',
      'admin admin POST /v1/tokens 201',
      'dashboard viewer POST /v1/apps/shop/site/scale 403',
      'admin admin POST /v1/tokens 201',
      'admin admin DELETE /v1/tokens/' + calls.find((c) => c.startsWith('admin admin DELETE'))?.split('/v1/tokens/')[1]?.split(' ')[0] + ' 200',
    ]);
    // Who did it is in the event log too.
    const events = await bubo(['events', '--json'], admin);
    const actors = (JSON.parse(events.stdout) as { events: { actor: string; kind: string }[] }).events.filter((e) => e.kind === 'release.created').map((e) => e.actor);
    expect(actors).toEqual(['alice']);
  }, 60_000);
});
