import { execFile } from 'node:child_process';
import { readdir, readFile, rmdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { findDnsProcesses } from '../../src/dns/dns-process-facts.js';

const run = promisify(execFile);

/**
 * Removes everything an agent with this state directory may have left on the machine, whether
 * or not the test that ran it passed: runc containers whose bundles live there, mounts under it,
 * its network namespaces and links, its cgroups, its bridge, and its DNS process (which outlives
 * the agent: a SIGTERM'd agent leaves it running). `bridge` null: the bridge is not in this
 * network namespace (an agent run inside a namespace of its own, which goes with it).
 */
export async function cleanupAgentState(stateDir: string, bridge: string | null, cgroupParent = 'bubo'): Promise<void> {
  const quiet = (p: Promise<unknown>) => p.catch(() => {});
  for (const pid of await findDnsProcesses(resolve(stateDir))) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  const containers = JSON.parse((await run('runc', ['list', '--format', 'json']).catch(() => ({ stdout: 'null' }))).stdout || 'null') as { id: string; bundle: string }[] | null;
  const ids = new Set<string>();
  for (const c of containers ?? []) {
    if (!c.bundle.startsWith(stateDir)) continue;
    await quiet(run('runc', ['delete', '-f', c.id]));
  }
  const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((l) => l.split(' ')[1] ?? '');
  for (const target of mounts.filter((m) => m.startsWith(stateDir)).sort((a, b) => b.length - a.length)) await quiet(run('umount', ['-l', target]));
  const state = await readFile(join(stateDir, 'net', 'network.json'), 'utf8').then(JSON.parse).catch(() => null) as { attachments?: Record<string, { hash: string }> } | null;
  for (const [id, a] of Object.entries(state?.attachments ?? {})) {
    ids.add(id);
    await quiet(run('ip', ['netns', 'del', `bubo-${a.hash}`]));
    await quiet(run('ip', ['link', 'del', `bv${a.hash}`]));
    await quiet(run('ip', ['link', 'del', `bt${a.hash}`]));
  }
  for (const id of await readdir(join(stateDir, 'runc', 'instances')).catch(() => [] as string[])) ids.add(id);
  for (const controller of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) {
    for (const id of ids) await removeTree(join('/sys/fs/cgroup', controller, cgroupParent, id));
  }
  if (bridge !== null) await quiet(run('ip', ['link', 'del', bridge]));
}

/** cgroup directories can only be removed leaves first (rmdir, never rm). */
async function removeTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => null);
  if (!entries) return;
  for (const e of entries) if (e.isDirectory()) await removeTree(join(dir, e.name));
  await rmdir(dir).catch(() => {});
}
