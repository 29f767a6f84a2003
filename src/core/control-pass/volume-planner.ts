import type { App } from '../../domain/app.js';
import type { VolumeSpec } from '../../domain/task-spec.js';
import { type Volume, volumeId } from '../../domain/volume.js';
import type { ControlSnapshot } from './control-snapshot.js';

export interface VolumeChanges {
  newVolumes: Volume[];
  deleteVolumes: string[];
  growVolumes: { id: string; sizeMib: number }[];
}

/**
 * The volume side of one pass's placements: which host a slot is pinned to (the host of its
 * volumes, while that host is registered), and the records placements create or grow. A volume
 * whose host was removed from the cluster went with it: its slot is placed afresh, with new
 * (empty) volumes, and the stale record is replaced.
 */
export function volumePlanner(snapshot: ControlSnapshot) {
  const hosts = new Set(snapshot.hosts.map((h) => h.id));
  const bySlot = new Map<string, Volume[]>();
  for (const v of snapshot.volumes) {
    const key = `${v.appId}#${v.slot}`;
    const list = bySlot.get(key) ?? [];
    list.push(v);
    bySlot.set(key, list);
  }
  const out: VolumeChanges = { newVolumes: [], deleteVolumes: [], growVolumes: [] };
  return {
    /** The host holding the slot's data and how much of its disk that data already takes; null when the slot holds none. */
    pinOf(appId: string, slot: number): { hostId: string; existingMib: number } | null {
      const held = (bySlot.get(`${appId}#${slot}`) ?? []).filter((v) => hosts.has(v.hostId));
      if (held.length === 0) return null;
      return { hostId: held[0]!.hostId, existingMib: held.reduce((sum, v) => sum + v.sizeMib, 0) };
    },
    /** An instance of `app` was placed in `slot` on `hostId`: record its volumes there, growing those that exist. */
    placed(app: App, specs: readonly VolumeSpec[], slot: number, hostId: string, now: number): void {
      const existing = new Map((bySlot.get(`${app.id}#${slot}`) ?? []).map((v) => [v.name, v]));
      for (const spec of specs) {
        const v = existing.get(spec.name);
        if (v && v.hostId === hostId) {
          if (spec.size_mib > v.sizeMib) out.growVolumes.push({ id: v.id, sizeMib: spec.size_mib });
          continue;
        }
        if (v) out.deleteVolumes.push(v.id);
        out.newVolumes.push({ id: volumeId(app.namespace, app.name, spec.name, slot), appId: app.id, name: spec.name, slot, hostId, sizeMib: spec.size_mib, createdAt: now });
      }
    },
    changes: (): VolumeChanges => out,
  };
}
