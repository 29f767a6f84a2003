import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corruptCopy } from '../support/corrupt-copy.js';
import { waitFor } from '../support/server-process.js';
import { canRunSshd, type SftpServer, startSftpServer } from '../support/sftp-server.js';
import { StatefulAppHarness } from '../support/stateful-app-harness.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

/**
 * Each start appends a line to the volume and reports how many there are: the count tells
 * whether the data of every earlier start is still there. SIGTERM ends it at once.
 */
function task(app: string, image: string, release: number, extra = ''): string {
  const script = `echo "boot ${release}" >> /data/boots; echo "report boots=$(wc -l < /data/boots)"; trap 'exit 0' TERM; while :; do sleep 1; done`;
  return `app = "${app}"
group = "vol"
count = 1
runtime = "container"

[resources]
cpus = 0.25
memory = "64MiB"
disk = "64MiB"

[[containers]]
name = "main"
image = "${image}"
command = ["sh", "-c", ${JSON.stringify(script)}]
env = { RELEASE = "${release}" }

[[volumes]]
name = "data"
size = "32MiB"
path = "/data"

[deploy]
drain_delay = "0s"

# Without the volume, a silent host's instance would be replaced elsewhere after 1 s.
[placement]
replace_after = "1s"
${extra}`;
}

/**
 * Volumes through the real product: a `bubo server`, a `bubo agent` with runc and the `file`
 * driver (loop-mounted ext4 images), the CLI. The data of a slot survives a new release (rolled
 * in place: never two instances at once), its host going away and coming back (nothing is
 * placed on the other host meanwhile), stop and start, a snapshot restore and a backup restored
 * into a fresh app; a corrupt backup changes nothing; destroy --volumes leaves no mount behind.
 */
describe.skipIf(!isRoot)('volumes keep an app slot\'s data on its host', () => {
  let sftp: SftpServer | undefined;
  const h = new StatefulAppHarness({
    prefix: 'bubo-volumes-',
    hosts: 'volh',
    group: 'vol',
    cidr: '10.215.0.0/16',
    bridge: 'bvl',
    runtime: 'container',
    agentRuntime: 'runc',
    images: (images) => [images.httpdV1],
    agentArgs: () => (sftp ? ['--backup-ssh-key', sftp.identity, '--backup-known-hosts', sftp.knownHosts] : []),
    beforeAgent: async (dir) => {
      if (canRunSshd) sftp = await startSftpServer(join(dir, 'sshd'));
    },
  });
  const status = (app: string) => h.status(app);
  const running = (app: string, release?: number) => h.running(app, release, 90_000);
  const stopped = (app: string) => h.stopped(app);
  const boots = async (app: string, instance: string) =>
    waitFor(`the report of ${instance}`, async () => {
      let last: string | undefined;
      for await (const line of await h.client.stream('appLogs', { params: { namespace: 'default', app }, query: { tail: 20, instance } })) {
        if ('line' in line && line.line.startsWith('report ')) last = line.line;
      }
      return last;
    }, 30_000);
  const cli = (...args: string[]) => h.cli(...args);
  const deploy = (app: string, release: number, extra = '') => h.deploy(`${app}-${release}.toml`, task(app, h.pushed[0] as string, release, extra));

  beforeAll(() => h.start(), 300_000);
  afterAll(async () => {
    await h.stop();
    await sftp?.stop();
  }, 120_000);

  it('keeps the data across a new release, rolled in place with never two instances at once', async () => {
    await deploy('vol', 1);
    const first = await running('vol', 1);
    expect(await boots('vol', first.id)).toBe('report boots=1');
    const listed = JSON.parse((await cli('volume', 'ls', 'vol', '--json')).stdout) as { volumes: { id: string; host: string; size_mib: number; instance: { id: string } | null }[] };
    expect(listed.volumes).toEqual([expect.objectContaining({ id: 'default.vol.data.0', host: 'volh1', size_mib: 32, instance: expect.objectContaining({ id: first.id }) })]);
    expect((await cli('host', 'uncordon', 'volh2')).code).toBe(0);

    await deploy('vol', 2);
    let most = 0;
    const second = await waitFor(
      'release 2 running',
      async () => {
        const { instances } = await status('vol');
        most = Math.max(most, instances.filter((i) => i.state === 'starting' || i.state === 'running').length);
        return instances.find((i) => i.release === 2 && i.state === 'running');
      },
      90_000,
    );
    expect(most).toBe(1);
    expect(second.host).toBe(first.host);
    expect(await boots('vol', second.id)).toBe('report boots=2');
  }, 240_000);

  it('holds the slot while its host is away, places nothing on the other host, and adopts the instance when it returns', async () => {
    const before = await running('vol', 2);
    await h.agent.signal('SIGKILL');
    await waitFor('the instance unknown', async () => (await status('vol')).instances.find((i) => i.id === before.id && i.state === 'unknown'), 30_000);
    // Well past any replace_after: a replacement on volh2 would start without the data.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const { instances } = await status('vol');
    expect(instances.filter((i) => i.host === 'volh2')).toEqual([]);
    await h.agent.start();
    const after = await running('vol', 2);
    expect(after.id).toBe(before.id);
    expect(await boots('vol', after.id)).toBe('report boots=2');
    // volh2 runs nothing for real: keep the next app's first placement off it.
    expect((await cli('host', 'cordon', 'volh2')).code).toBe(0);
  }, 120_000);

  it('keeps the data across stop and start, and restores a snapshot only while the app is stopped', async () => {
    const snap = await cli('volume', 'snapshot', 'vol/data', '--name', 'two');
    expect(snap.stdout).toBe('snapshot two of volume default/vol/data/0 taken; restore it with "bubo volume restore default/vol/data/0 --snapshot two"\n');
    expect((await cli('volume', 'snapshots', 'vol/data')).stdout).toBe('two\n');
    const refused = await cli('volume', 'restore', 'vol/data', '--snapshot', 'two');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('while instance');
    expect(refused.stderr).toContain('bubo stop default/vol');

    expect((await cli('stop', 'vol')).code).toBe(0);
    await stopped('vol');
    expect((await cli('scale', 'vol', '1')).code).toBe(0);
    const third = await running('vol');
    expect(await boots('vol', third.id)).toBe('report boots=3');

    expect((await cli('stop', 'vol')).code).toBe(0);
    await stopped('vol');
    const restored = await cli('volume', 'restore', 'vol/data', '--snapshot', 'two');
    expect(restored.code, restored.stderr).toBe(0);
    expect((await cli('scale', 'vol', '1')).code).toBe(0);
    const fourth = await running('vol');
    // The snapshot held two boots; the start after the restore adds one.
    expect(await boots('vol', fourth.id)).toBe('report boots=3');
  }, 240_000);

  it('restores a backup into a fresh app, and refuses a corrupt one without touching the volume', async () => {
    const backups = join(h.dir, 'backups');
    const made = JSON.parse((await cli('volume', 'backup', 'vol/data', '--to', backups, '--json')).stdout) as { archive: string; sha256: string; bytes: number };
    expect(made.archive.startsWith(`${backups}/default.vol.data.0-`)).toBe(true);
    expect((await readFile(`${made.archive}.sha256`, 'utf8')).split(' ')[0]).toBe(made.sha256);

    await deploy('vol2', 1);
    const fresh = await running('vol2');
    expect(await boots('vol2', fresh.id)).toBe('report boots=1');
    expect((await cli('stop', 'vol2')).code).toBe(0);
    await stopped('vol2');

    const corrupt = await corruptCopy(made.archive, made.sha256);
    const refused = await cli('volume', 'restore', 'vol2/data', '--archive', corrupt);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`is corrupt: its SHA-256 is`);
    expect(refused.stderr).toContain('volume default.vol2.data.0 was not changed');
    expect((await cli('scale', 'vol2', '1')).code).toBe(0);
    const unchanged = await running('vol2');
    expect(await boots('vol2', unchanged.id)).toBe('report boots=2');

    expect((await cli('stop', 'vol2')).code).toBe(0);
    await stopped('vol2');
    const restored = await cli('volume', 'restore', 'vol2/data', '--archive', made.archive);
    expect(restored.code, restored.stderr).toBe(0);
    expect((await cli('scale', 'vol2', '1')).code).toBe(0);
    const fromBackup = await running('vol2');
    // vol's three boots came with the backup.
    expect(await boots('vol2', fromBackup.id)).toBe('report boots=4');
  }, 240_000);

  it('backs a volume up on schedule and keeps the newest archives', async () => {
    const to = join(h.dir, 'scheduled');
    await deploy('vol3', 1, `\n[[backups]]\nvolume = "data"\nevery = "10s"\nkeep = 1\nto = "${to}"\n`);
    await running('vol3');
    type Runs = { schedule: { every_ms: number; keep: number }[]; runs: { status: string; archive: string | null; sha256: string | null; pruned: boolean }[] };
    const runs = async () => JSON.parse((await cli('backups', 'vol3', '--json')).stdout) as Runs;
    // Retention runs right after each good run: wait for it too.
    const listed = await waitFor(
      'two scheduled backups, the older deleted',
      async () => {
        const body = await runs();
        const ok = body.runs.filter((r) => r.status === 'ok');
        return ok.length >= 2 && ok.filter((r) => !r.pruned).length === 1 && body.runs.every((r) => r.status !== 'running') && body;
      },
      60_000,
    );
    expect(listed.schedule).toEqual([{ volume: 'data', every_ms: 10_000, keep: 1, to }]);
    expect(listed.runs.filter((r) => r.status === 'failed')).toEqual([]);
    const text = await cli('backups', 'vol3');
    expect(text.stdout).toContain(`volume data: every 10s to ${to} on its host, keep 1\n`);
    expect(text.stdout).toContain('(deleted: keep)');

    // A release without [[backups]] ends the schedule; then what is on disk can be read still.
    await deploy('vol3', 2);
    await running('vol3', 2);
    const final = await waitFor('no backup running, retention done', async () => {
      const body = await runs();
      return body.runs.every((r) => r.status !== 'running') && body.runs.filter((r) => r.status === 'ok' && !r.pruned).length === 1 && body;
    });
    expect(final.schedule).toEqual([]);
    const kept = final.runs.filter((r) => r.status === 'ok' && !r.pruned);
    expect(kept).toHaveLength(1);
    // Retention: only the newest archive is on disk, with its checksum.
    const onDisk = (await readdir(to)).sort();
    expect(onDisk).toEqual(kept.flatMap((r) => [basename(r.archive as string), `${basename(r.archive as string)}.sha256`]).sort());
    for (const r of kept) expect((await readFile(`${r.archive}.sha256`, 'utf8')).split(' ')[0]).toBe(r.sha256);
  }, 120_000);

  it.runIf(canRunSshd)('backs up to an SFTP server (OpenSSH, the host\'s key, a known host key only) and restores from it', async () => {
    const remote = join(h.dir, 'sftp-root', 'bubo');
    const to = `sftp://root@127.0.0.1:${sftp!.port}${remote}`;
    const made = await cli('volume', 'backup', 'vol3/data', '--to', to, '--json');
    expect(made.code, made.stderr).toBe(0);
    const { archive, sha256 } = JSON.parse(made.stdout) as { archive: string; sha256: string };
    expect(archive.startsWith(`${to}/default.vol3.data.0-`)).toBe(true);
    const name = basename(archive);
    expect((await readdir(remote)).sort()).toEqual([name, `${name}.sha256`]);
    expect((await readFile(join(remote, `${name}.sha256`), 'utf8')).split(' ')[0]).toBe(sha256);
    // Nothing of it stays on the volume's host.
    expect(await readdir(join(h.agentDir, 'volumes', 'default.vol3.data.0', 'outgoing'))).toEqual([]);

    const first = await running('vol3');
    const before = await boots('vol3', first.id);
    expect((await cli('stop', 'vol3')).code).toBe(0);
    await stopped('vol3');
    const restored = await cli('volume', 'restore', 'vol3/data', '--archive', archive);
    expect(restored.code, restored.stderr).toBe(0);
    expect((await cli('scale', 'vol3', '1')).code).toBe(0);
    const after = await running('vol3');
    expect(await boots('vol3', after.id)).toBe(`report boots=${Number(before.split('=')[1]) + 1}`);

    // A server under a name whose host key is not known is refused.
    const refused = await cli('volume', 'backup', 'vol3/data', '--to', to.replace('127.0.0.1', 'localhost'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Host key verification failed');
  }, 120_000);

  it('removes volumes only when nothing uses them; destroy --volumes leaves no mount behind', async () => {
    const refused = await cli('volume', 'rm', 'vol/data');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('while instance');
    for (const app of ['vol', 'vol2', 'vol3']) {
      const destroyed = await cli('destroy', app, '--yes', '--volumes');
      expect(destroyed.code, destroyed.stderr).toBe(0);
      expect(destroyed.stdout).toContain(`default/${app}: destroyed; 1 volume(s) deleted: default.${app}.data.0`);
    }
    expect(JSON.parse((await cli('volume', 'ls', '--json')).stdout)).toEqual({ volumes: [] });
    const mounts = (await readFile('/proc/self/mounts', 'utf8')).split('\n').filter((l) => l.includes(h.agentDir));
    expect(mounts).toEqual([]);
    const loops = (await run('losetup', ['-a'])).stdout.split('\n').filter((l) => l.includes(h.agentDir));
    expect(loops).toEqual([]);
  }, 120_000);
});
