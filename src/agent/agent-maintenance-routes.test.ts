import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDone, LocalExec, LocalMaintenanceCheck, LocalMaintenanceInfo } from '../api/agent-local.js';
import { agentCaller } from '../client/agent-caller.js';
import type { HostRuntime } from '../domain/runtime-kind.js';
import { type RunningAgentHttp, startAgentHttp } from './agent-http.js';
import { type AgentMaintenance, agentMaintenance } from './agent-maintenance-routes.js';
import { parseMaintenanceConfig } from './maintenance-config.js';

const TOKEN = 'agent-token-maintenance';

const exists = (path: string) => access(path).then(
  () => true,
  () => false,
);

function runtime(name: string, available: boolean) {
  return { name, probe: async (): Promise<HostRuntime> => ({ name, kind: 'container', available, ...(available ? {} : { reason: 'not installed' }) }) };
}

/** The agent's maintenance routes over real HTTP, called the way the server calls them, running real commands. */
describe('the agent listener: /v1/local/maintenance', () => {
  let dir: string;
  let agent: RunningAgentHttp | undefined;
  const call = agentCaller(TOKEN);
  const ask = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    call({ agentUrl: agent!.url, hostName: 'h1', hostAddress: '127.0.0.1', method, path, ...(body === undefined ? {} : { body }), timeoutMs: 10_000 });

  async function start(toml: string | undefined, options: { runtimes?: ReturnType<typeof runtime>[]; bootIdFile?: string } = {}): Promise<AgentMaintenance> {
    const maintenance = agentMaintenance({
      config: toml === undefined ? undefined : parseMaintenanceConfig(toml, join(dir, 'maintenance.toml')),
      runtimes: options.runtimes ?? [],
      // The runtimes' built-in checks, with binaries every test host has.
      runtimeCheckArgv: { runc: ['/bin/sh', '-c', 'echo runc version 1.2.3'], qemu: ['/bin/sh', '-c', 'echo qemu is broken >&2; exit 1'] },
      ...(options.bootIdFile ? { bootIdFile: options.bootIdFile } : {}),
    });
    agent = await startAgentHttp({ listen: '127.0.0.1:0', token: TOKEN, runtimes: [], maintenance });
    return maintenance;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-agent-maintenance-'));
  });
  afterEach(async () => {
    await agent?.close();
    agent = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('says which agent process answers and what the file allows', async () => {
    const maintenance = await start('[commands.patch]\nargv = ["/bin/true"]\n\n[[checks]]\nname = "root writable"\nargv = ["/usr/bin/test", "-w", "/"]\n');
    const info = LocalMaintenanceInfo.parse(await ask('GET', '/v1/local/maintenance'));
    expect(info).toEqual({ incarnation: maintenance.incarnation, started_at: maintenance.startedAt, boot_id: expect.any(String), commands: ['patch'], checks: ['root writable'], reboot: ['systemctl', 'reboot'] });
    expect(info.incarnation).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(info.started_at - Date.now())).toBeLessThan(60_000);
    // Another start of the agent is another incarnation.
    expect(agentMaintenance({ runtimes: [] }).incarnation).not.toBe(info.incarnation);
  });

  it("answers an empty boot_id when the kernel's boot id cannot be read", async () => {
    await start('', { bootIdFile: join(dir, 'no-such-file') });
    expect(LocalMaintenanceInfo.parse(await ask('GET', '/v1/local/maintenance')).boot_id).toBe('');
  });

  it('runs a command of the file by name: a non-zero exit is an answer with its code and output', async () => {
    await start(`[commands.patch]\nargv = ["/bin/sh", "-c", "echo hi; echo oops >&2; exit 3"]\n[commands.envy]\nargv = ["/bin/sh", "-c", "echo $DEBIAN_FRONTEND"]\nenv = { DEBIAN_FRONTEND = "noninteractive" }\n`);
    expect(LocalExec.parse(await ask('POST', '/v1/local/maintenance/run', { name: 'patch' }))).toEqual({ exit_code: 3, output: 'hi\noops\n' });
    expect(await ask('POST', '/v1/local/maintenance/run', { name: 'envy' })).toEqual({ exit_code: 0, output: 'noninteractive\n' });
  });

  it('keeps the last 64 KiB of a long output', async () => {
    await start('[commands.loud]\nargv = ["/bin/sh", "-c", "head -c 100000 /dev/zero | tr \'\\\\0\' a; echo END"]\n');
    const answer = LocalExec.parse(await ask('POST', '/v1/local/maintenance/run', { name: 'loud' }));
    expect(answer.exit_code).toBe(0);
    expect(answer.output.length).toBe(64 * 1024);
    expect(answer.output.endsWith('aaaEND\n')).toBe(true);
  });

  it("kills a command at its timeout and answers 124, saying so", async () => {
    await start('[commands.slow]\nargv = ["/bin/sleep", "5"]\ntimeout = "300ms"\n');
    const started = Date.now();
    const answer = LocalExec.parse(await ask('POST', '/v1/local/maintenance/run', { name: 'slow' }));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(answer.exit_code).toBe(124);
    expect(answer.output).toContain('/bin/sleep timed out after 0.3s');
  });

  it('answers 127 for a command whose binary is missing', async () => {
    await start('[commands.gone]\nargv = ["/nonexistent/bubo-tool"]\n');
    const answer = LocalExec.parse(await ask('POST', '/v1/local/maintenance/run', { name: 'gone' }));
    expect(answer.exit_code).toBe(127);
    expect(answer.output).toContain('not installed');
  });

  it('refuses a name the file does not have, naming the ones it has; never runs what is sent', async () => {
    await start('[commands.patch]\nargv = ["/bin/true"]\n[commands.clean]\nargv = ["/bin/true"]\n');
    await expect(ask('POST', '/v1/local/maintenance/run', { name: 'upgrade' })).rejects.toMatchObject({ status: 404, code: 'not_found', message: expect.stringMatching(/no maintenance command "upgrade" on this host; .*maintenance\.toml has patch, clean/) });
    await expect(ask('POST', '/v1/local/maintenance/run', { name: 'constructor' })).rejects.toMatchObject({ status: 404 });
    await expect(ask('POST', '/v1/local/maintenance/run', { argv: ['/bin/touch', join(dir, 'pwned')] })).rejects.toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await exists(join(dir, 'pwned'))).toBe(false);
  });

  it('without a maintenance file: run and reboot answer 404, info and the built-in checks still answer', async () => {
    await start(undefined, { runtimes: [runtime('runc', true)] });
    const noFile = { status: 404, code: 'not_found', message: 'no maintenance file (start the agent with --maintenance FILE)' };
    await expect(ask('POST', '/v1/local/maintenance/run', { name: 'patch' })).rejects.toMatchObject(noFile);
    await expect(ask('POST', '/v1/local/maintenance/reboot', {})).rejects.toMatchObject(noFile);
    expect(await ask('GET', '/v1/local/maintenance')).toMatchObject({ commands: [], checks: [], reboot: [] });
    expect(await ask('POST', '/v1/local/maintenance/check', {})).toEqual({ ok: true, checks: [{ name: 'runtime runc', ok: true, output: 'runc version 1.2.3\n' }] });
  });

  it('answers a reboot first, then runs the reboot argv of the file', async () => {
    const marker = join(dir, 'rebooted');
    await start(`[reboot]\nargv = ["/bin/sh", "-c", "sleep 0.3; /usr/bin/touch \\"$0\\"", ${JSON.stringify(marker)}]\n`);
    expect(LocalDone.parse(await ask('POST', '/v1/local/maintenance/reboot', {}))).toEqual({ ok: true });
    expect(await exists(marker)).toBe(false);
    const until = Date.now() + 5_000;
    while (!(await exists(marker)) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await exists(marker)).toBe(true);
  });

  it('checks each available runtime, then each check of the file; one failing makes the whole not ok', async () => {
    await start('[[checks]]\nname = "root writable"\nargv = ["/usr/bin/test", "-w", "/"]\n\n[[checks]]\nname = "disk not full"\nargv = ["/bin/sh", "-c", "echo 99% used; exit 1"]\n', {
      runtimes: [runtime('runc', true), runtime('runc', true), runtime('firecracker', false), runtime('qemu', true)],
    });
    expect(LocalMaintenanceCheck.parse(await ask('POST', '/v1/local/maintenance/check', {}))).toEqual({
      ok: false,
      checks: [
        { name: 'runtime runc', ok: true, output: 'runc version 1.2.3\n' },
        { name: 'runtime qemu', ok: false, output: 'qemu is broken\n' },
        { name: 'root writable', ok: true, output: '' },
        { name: 'disk not full', ok: false, output: '99% used\n' },
      ],
    });
  });

  it('is all ok when every check passes', async () => {
    await start('[[checks]]\nname = "true"\nargv = ["/bin/true"]\n', { runtimes: [runtime('runc', true)] });
    expect(await ask('POST', '/v1/local/maintenance/check', {})).toMatchObject({ ok: true });
  });

  it('runs one maintenance command at a time', async () => {
    await start('[commands.slow]\nargv = ["/bin/sleep", "0.5"]\n[commands.quick]\nargv = ["/bin/true"]\n');
    const first = ask('POST', '/v1/local/maintenance/run', { name: 'slow' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(ask('POST', '/v1/local/maintenance/run', { name: 'quick' })).rejects.toMatchObject({ status: 409, message: expect.stringContaining('"slow" is still running') });
    expect(await first).toEqual({ exit_code: 0, output: '' });
    expect(await ask('POST', '/v1/local/maintenance/run', { name: 'quick' })).toEqual({ exit_code: 0, output: '' });
  });

  it('asks for the token, refuses a body that is not a JSON object or too large, and a wrong method', async () => {
    await start('[commands.patch]\nargv = ["/bin/true"]\n');
    const bare = await fetch(`${agent!.url}/v1/local/maintenance`);
    expect(bare.status).toBe(401);
    const post = (body: string) => fetch(`${agent!.url}/v1/local/maintenance/run`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body });
    expect((await post('not json')).status).toBe(400);
    expect((await post('[]')).status).toBe(400);
    expect((await post(JSON.stringify({ name: 'patch', pad: 'x'.repeat(70 * 1024) }))).status).toBe(400);
    const get = await fetch(`${agent!.url}/v1/local/maintenance/run`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
    const other = await fetch(`${agent!.url}/v1/local/maintenance/other`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(other.status).toBe(404);
  });

  it('answers 404 on a listener given no maintenance', async () => {
    agent = await startAgentHttp({ listen: '127.0.0.1:0', token: TOKEN, runtimes: [] });
    await expect(ask('GET', '/v1/local/maintenance')).rejects.toMatchObject({ status: 404, message: 'this agent serves no maintenance routes' });
  });
});
