import { type AgentCaller, LocalBackup, LocalDone, LocalSnapshotList } from '../api/agent-local.js';
import type { CoreContext } from './core-context.js';
import { event } from './record-event.js';
import { callVolumeAgent, findVolume, requireIdle, type VolumeAddress, volumePath } from './volume-target.js';

/** Long enough for a copy or an archive of a large volume; the agent works on regardless of the caller. */
const LONG_MS = 30 * 60_000;

/** `bubo volume rm`: refused while an instance uses it; the data is deleted on its host first, then the record. */
export async function removeVolume(ctx: CoreContext, input: VolumeAddress & { actor: string }, call: AgentCaller) {
  const { volume, host, occupant } = await findVolume(ctx, input);
  requireIdle('remove', input, occupant);
  if (host) LocalDone.parse(await callVolumeAgent(call, host, volume, { method: 'DELETE', path: volumePath(volume), timeoutMs: LONG_MS }));
  await ctx.store.transaction(async (tx) => {
    await tx.deleteVolumes([volume.id]);
    await tx.appendEvents([
      event(ctx.now(), input.actor, 'volume.removed', `volume ${volume.id} removed${host ? ` from host ${host.name}` : ' (its host was no longer registered)'}`, {
        appId: volume.appId,
        hostId: volume.hostId,
      }),
    ]);
  });
  // The slot is no longer pinned: the next pass may place it anywhere.
  ctx.wake();
  return { id: volume.id, host: host?.name ?? volume.hostId };
}

/** `bubo volume snapshot`: a point-in-time copy on the volume's host (the filesystem is frozen while it is taken). */
export async function snapshotVolume(ctx: CoreContext, input: VolumeAddress & { snapshot?: string | undefined; actor: string }, call: AgentCaller) {
  const { volume, host } = await findVolume(ctx, input);
  const name = input.snapshot ?? new Date(ctx.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  LocalDone.parse(await callVolumeAgent(call, host, volume, { method: 'POST', path: volumePath(volume, '/snapshots'), body: { name }, timeoutMs: LONG_MS }));
  await ctx.store.appendEvents([event(ctx.now(), input.actor, 'volume.snapshot', `volume ${volume.id}: snapshot ${name} taken`, { appId: volume.appId, hostId: volume.hostId })]);
  return { volume: volume.id, name };
}

export async function listSnapshots(ctx: CoreContext, input: VolumeAddress, call: AgentCaller) {
  const { volume, host } = await findVolume(ctx, input);
  const answer = LocalSnapshotList.parse(await callVolumeAgent(call, host, volume, { method: 'GET', path: volumePath(volume, '/snapshots') }));
  return { volume: volume.id, snapshots: answer.snapshots };
}

/** `bubo volume restore`: from a snapshot or a backup archive; refused while an instance uses the volume. */
export async function restoreVolume(ctx: CoreContext, input: VolumeAddress & { snapshot?: string | undefined; archive?: string | undefined; actor: string }, call: AgentCaller) {
  const { volume, host, occupant } = await findVolume(ctx, input);
  requireIdle('restore', input, occupant);
  const body = input.snapshot !== undefined ? { snapshot: input.snapshot } : { archive: input.archive };
  LocalDone.parse(await callVolumeAgent(call, host, volume, { method: 'POST', path: volumePath(volume, '/restore'), body, timeoutMs: LONG_MS }));
  const from = input.snapshot !== undefined ? `snapshot ${input.snapshot}` : `archive ${input.archive}`;
  await ctx.store.appendEvents([event(ctx.now(), input.actor, 'volume.restored', `volume ${volume.id} restored from ${from}`, { appId: volume.appId, hostId: volume.hostId })]);
  return { volume: volume.id, from };
}

/** `bubo volume backup --to DIR`: a compressed, checksummed archive of a fresh snapshot, written on the volume's host. */
export async function backupVolume(ctx: CoreContext, input: VolumeAddress & { to: string; actor: string }, call: AgentCaller) {
  const { volume, host } = await findVolume(ctx, input);
  const answer = LocalBackup.parse(await callVolumeAgent(call, host, volume, { method: 'POST', path: volumePath(volume, '/backup'), body: { to: input.to }, timeoutMs: LONG_MS }));
  await ctx.store.appendEvents([
    event(ctx.now(), input.actor, 'volume.backup', `volume ${volume.id}: backup ${answer.archive} (${answer.bytes} bytes, sha256 ${answer.sha256})`, { appId: volume.appId, hostId: volume.hostId }),
  ]);
  return { volume: volume.id, host: host?.name ?? volume.hostId, ...answer };
}
