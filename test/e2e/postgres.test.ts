import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/server-process.js';
import { StatefulAppHarness } from '../support/stateful-app-harness.js';

const run = promisify(execFile);
const PSQL = '/usr/lib/postgresql/15/bin/psql';
const canRun = process.getuid?.() === 0 && existsSync(PSQL);
const canRunVm = canRun && existsSync('/usr/bin/qemu-system-x86_64') && existsSync('/dev/net/tun');
const PASSWORD = `pg-${process.pid}-${Date.now()}`;
const EXAMPLE = new URL('../../examples/postgres/postgres.toml', import.meta.url);

const RUNTIMES = [
  { runtime: 'container', agentRuntime: 'runc', cidr: '10.216.0.0/16', bridge: 'bpg', skip: !canRun },
  // QEMU under TCG here (no usable KVM): every boot and initdb is emulated, so allow for it.
  { runtime: 'microvm', agentRuntime: 'qemu', cidr: '10.225.0.0/16', bridge: 'bpv', skip: !canRunVm },
] as const;

/**
 * examples/postgres/postgres.toml as a user would deploy it, through the real product: `bubo
 * server`, `bubo agent` with the `file` volume driver, the CLI, the image built from Debian's
 * postgresql-15, and the host's psql talking to the instance over the bridge. As a runc
 * container, the rows survive a new release, an agent restart, the host going away and coming
 * back (nothing placed elsewhere meanwhile), a stop and start (a clean, fast shutdown), a live
 * snapshot restore, a backup restored into a fresh app, and the example's scheduled backup runs
 * pg_dumpall first. As a QEMU microVM (the volume is then its virtio disk, frozen by the guest for
 * a live snapshot): the cluster, a release, stop and start, and the snapshot restore.
 */
describe.each(RUNTIMES)('PostgreSQL on a volume keeps its rows ($runtime)', ({ runtime, agentRuntime, cidr, bridge: bridgePrefix, skip }) => {
  if (skip) {
    it.skip(`needs root, ${PSQL}${runtime === 'microvm' ? ', QEMU and /dev/net/tun' : ''}`, () => {});
    return;
  }
  const h = new StatefulAppHarness({
    prefix: 'bubo-postgres-',
    hosts: 'pgh',
    cidr,
    bridge: bridgePrefix,
    runtime,
    agentRuntime,
    images: (images) => [images.postgres],
    secrets: { POSTGRES_PASSWORD: PASSWORD },
  });
  let example: string;
  const cli = (...args: string[]) => h.cli(...args);
  const status = (app: string) => h.status(app);
  const stopped = (app: string) => h.stopped(app);
  const logs = (app: string, instance: string) => h.logs(app, instance);
  /** psql from the host to the instance's address, as any client on the network would connect. */
  const sql = async (address: string, query: string): Promise<string> =>
    (await run(PSQL, ['-h', address, '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-tAc', query], { env: { PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '3' } })).stdout;
  /** The instance's address once Postgres answers there. */
  const serving = async (app: string, release?: number): Promise<{ id: string; address: string; host: string | null }> => {
    const instance = await h.running(app, release);
    const address = instance.address as string;
    await waitFor(`postgres answering on ${address}`, () => sql(address, 'select 1'), 60_000);
    return { id: instance.id, address, host: instance.host };
  };
  const rows = async (address: string) => (await sql(address, 'select body from notes order by id')).trim().split('\n').filter(Boolean);
  /** The example, for app `app`, with `work_mem` set (a new release each time it changes); `backups` uncomments its [[backups]], into `backups`. */
  const deploy = async (app: string, workMem: string, backups?: string) => {
    let text = example
      .replace('app = "postgres"', `app = "${app}"`)
      .replace(/^runtime = "container".*$/m, `runtime = "${runtime}"`)
      .replace('args = ["-c", "shared_buffers=64MB"', `args = ["-c", "work_mem=${workMem}", "-c", "shared_buffers=64MB"`);
    if (backups) text = text.replace(/^# (\[\[backups\]\]|volume =|every =|keep =|to =|before =)/gm, '$1').replace('to = "/var/backups/bubo"', `to = "${backups}"`);
    await h.deploy(`${app}-${workMem}.toml`, text);
  };

  beforeAll(async () => {
    await h.start();
    example = await h.example(EXAMPLE, 'postgres.toml');
  }, 300_000);
  afterAll(() => h.stop(), 120_000);

  it('creates the cluster with the secret password on first start, and keeps the rows across a new release', async () => {
    await deploy('postgres', '4MB');
    const first = await serving('postgres', 1);
    expect(first.host).toBe('pgh1');
    // runc bind-mounts the host's mount of the volume; a microVM's guest kernel mounts its disk, so the host must not.
    const hostMounts = (await readFile('/proc/self/mounts', 'utf8')).split('\n').filter((l) => l.includes(`${h.agentDir}/volumes/default.postgres.data.0/`));
    expect(hostMounts).toHaveLength(runtime === 'microvm' ? 0 : 1);
    await sql(first.address, 'create table notes (id serial primary key, body text not null)');
    await sql(first.address, "insert into notes (body) values ('before the release')");
    await expect(run(PSQL, ['-h', first.address, '-U', 'postgres', '-tAc', 'select 1'], { env: { PGPASSWORD: 'wrong', PGCONNECT_TIMEOUT: '3' } })).rejects.toThrow('password authentication failed');
    expect((await cli('host', 'uncordon', 'pgh2')).code).toBe(0);

    await deploy('postgres', '8MB');
    const second = await serving('postgres', 2);
    expect(second.host).toBe('pgh1');
    expect((await sql(second.address, 'show work_mem')).trim()).toBe('8MB');
    expect(await rows(second.address)).toEqual(['before the release']);
    // The old instance shut down cleanly within its stop timeout (no crash recovery on start).
    const started = await logs('postgres', second.id);
    expect(started).toContain('database system was shut down at');
    expect(started).not.toContain('creating the cluster');
    expect(started).not.toContain('database system was interrupted');
    await sql(second.address, "insert into notes (body) values ('after the release')");
  }, 300_000);

  // Server and agent logic, the same whatever the runtime: proved once, with runc (the suite's time is short).
  const runcOnly = runtime === 'container' ? it : it.skip;

  runcOnly('keeps serving the same instance across an agent restart, and holds the slot while the host is away', async () => {
    const before = await serving('postgres', 2);
    await h.agent.signal('SIGTERM');
    await h.agent.start();
    const restarted = await serving('postgres', 2);
    expect(restarted.id).toBe(before.id);
    expect(await rows(restarted.address)).toEqual(['before the release', 'after the release']);

    await h.agent.signal('SIGKILL');
    await waitFor('the instance unknown', async () => (await status('postgres')).instances.find((i) => i.id === before.id && i.state === 'unknown'), 30_000);
    // Well past replace_after: a replacement on pgh2 would start an empty cluster.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect((await status('postgres')).instances.filter((i) => i.host === 'pgh2')).toEqual([]);
    // The database itself never stopped: apps outlive their agent.
    expect(await rows(before.address)).toEqual(['before the release', 'after the release']);
    await h.agent.start();
    const back = await serving('postgres', 2);
    expect(back.id).toBe(before.id);
    expect((await cli('host', 'cordon', 'pgh2')).code).toBe(0);
  }, 180_000);

  it('keeps the rows across stop and start, and a snapshot restore takes them back to the snapshot', async () => {
    expect((await cli('stop', 'postgres')).code).toBe(0);
    await stopped('postgres');
    expect((await cli('scale', 'postgres', '1')).code).toBe(0);
    const started = await serving('postgres');
    expect(await rows(started.address)).toEqual(['before the release', 'after the release']);

    // Taken live: runc's volume is frozen by the host, a microVM's by its guest, for the copy;
    // the insert below would hang on a filesystem left frozen.
    const snap = await cli('volume', 'snapshot', 'postgres/data', '--name', 'two-rows');
    expect(snap.code, snap.stderr).toBe(0);
    const current = started;
    await sql(current.address, "insert into notes (body) values ('after the snapshot')");
    expect(await rows(current.address)).toHaveLength(3);

    expect((await cli('stop', 'postgres')).code).toBe(0);
    await stopped('postgres');
    const restored = await cli('volume', 'restore', 'postgres/data', '--snapshot', 'two-rows');
    expect(restored.code, restored.stderr).toBe(0);
    expect((await cli('scale', 'postgres', '1')).code).toBe(0);
    const after = await serving('postgres');
    expect(await rows(after.address)).toEqual(['before the release', 'after the release']);
  }, 300_000);

  runcOnly('restores a backup into a fresh app, which then has the rows', async () => {
    const backups = join(h.dir, 'backups');
    const made = await cli('volume', 'backup', 'postgres/data', '--to', backups, '--json');
    expect(made.code, made.stderr).toBe(0);
    const { archive } = JSON.parse(made.stdout) as { archive: string };

    await deploy('pg2', '4MB');
    const fresh = await serving('pg2');
    await expect(sql(fresh.address, 'select count(*) from notes')).rejects.toThrow('relation "notes" does not exist');
    expect((await cli('stop', 'pg2')).code).toBe(0);
    await stopped('pg2');
    const restored = await cli('volume', 'restore', 'pg2/data', '--archive', archive);
    expect(restored.code, restored.stderr).toBe(0);
    expect((await cli('scale', 'pg2', '1')).code).toBe(0);
    const fromBackup = await serving('pg2');
    expect(await rows(fromBackup.address)).toEqual(['before the release', 'after the release']);
  }, 300_000);

  runcOnly('runs the example\'s scheduled backup: pg_dumpall in the instance first, into the volume, then the archive', async () => {
    const to = join(h.dir, 'nightly');
    await deploy('postgres', '16MB', to);
    const serving16 = await serving('postgres');
    type Runs = { schedule: { before?: string[] }[]; runs: { status: string; archive: string | null; error: string | null }[] };
    const listed = await waitFor(
      'a scheduled backup',
      async () => {
        const body = JSON.parse((await cli('backups', 'postgres', '--json')).stdout) as Runs;
        return body.runs.some((r) => r.status !== 'running') && body;
      },
      120_000,
    );
    expect(listed.runs[0]).toMatchObject({ status: 'ok', error: null });
    expect(listed.schedule[0]?.before?.[0]).toBe('sh');
    expect(await readdir(to)).toContain(basename(listed.runs[0]?.archive as string));
    if (runtime === 'container') {
      // The dump is in the volume (so in the archive too), with the rows.
      const dump = await readFile(join(h.agentDir, 'volumes', 'default.postgres.data.0', 'mnt', 'dumpall.sql'), 'utf8');
      expect(dump).toContain('CREATE TABLE public.notes');
      expect(dump).toContain('before the release');
    }
    expect(await rows(serving16.address)).toEqual(['before the release', 'after the release']);
  }, 240_000);
});
