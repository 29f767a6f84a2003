import { type Command, cmd } from '../../exec/command.js';

/**
 * The commands of the `lvm` driver, as data: a thin logical volume per volume in a thin pool
 * (`<vg>/<pool>`), ext4 on it, thin snapshots. Sizes in MiB. Volume ids contain dots, which LVM
 * allows in names. These machines have no device-mapper: the commands are tested as exact argv,
 * the driver (`create-lvm-volume-driver.ts`) against a model of LVM, and the conformance suite
 * runs on a real pool only where `dmsetup targets` works.
 */
export const lvmCommands = {
  create: (vg: string, pool: string, lv: string, sizeMib: number): Command => cmd('lvcreate', '--yes', '--thin', '-V', `${sizeMib}M`, '-n', lv, `${vg}/${pool}`),
  mkfs: (device: string, label: string): Command => cmd('mkfs.ext4', '-q', '-F', '-E', 'root_owner=0:0', '-L', label, device),
  /** Grows the logical volume and, with `-r`, its filesystem (fsadm runs resize2fs). */
  extend: (vg: string, lv: string, sizeMib: number): Command => cmd('lvextend', '-r', '-L', `${sizeMib}M`, `${vg}/${lv}`),
  /** A thin snapshot: no size, shares blocks with its origin; `-kn` so it activates without `-K`. */
  snapshot: (vg: string, lv: string, snapshot: string): Command => cmd('lvcreate', '--yes', '-s', '-kn', '-n', snapshot, `${vg}/${lv}`),
  /** Restore: merge the snapshot back into its origin (the origin unmounted). */
  merge: (vg: string, snapshot: string): Command => cmd('lvconvert', '--merge', `${vg}/${snapshot}`),
  remove: (vg: string, lv: string): Command => cmd('lvremove', '--yes', `${vg}/${lv}`),
  rename: (vg: string, from: string, to: string): Command => cmd('lvrename', vg, from, to),
  /**
   * An image file into a fresh thin volume: blocks of zeros are skipped (`conv=sparse`), which is
   * right only because a new thin volume reads as zeros; flushed before dd exits.
   */
  writeImage: (image: string, device: string): Command => cmd('dd', `if=${image}`, `of=${device}`, 'bs=4M', 'conv=sparse,fsync', 'status=none'),
  activate: (vg: string, lv: string): Command => cmd('lvchange', '-ay', '-K', `${vg}/${lv}`),
  list: (vg: string): Command => cmd('lvs', '--reportformat', 'json', '--units', 'm', '--nosuffix', '-o', 'lv_name,lv_size,origin,data_percent', vg),
  mount: (device: string, dir: string): Command => cmd('mount', '-o', 'noatime', device, dir),
  umount: (dir: string): Command => cmd('umount', dir),
  /** Whether device-mapper works here. */
  probe: (): Command => cmd('dmsetup', 'targets'),
};

export const lvName = (id: string): string => `bubo_${id}`;
export const snapshotLvName = (id: string, name: string): string => `bubo_${id}__snap_${name}`;
export const devicePath = (vg: string, lv: string): string => `/dev/${vg}/${lv}`;

export interface LogicalVolume {
  name: string;
  sizeMib: number;
  /** The origin of a snapshot, or null. */
  origin: string | null;
  /** How full a thin volume's data is, 0–100. */
  dataPercent: number | null;
}

/** `lvs --reportformat json` output. */
export function parseLvs(text: string): LogicalVolume[] {
  const json = JSON.parse(text) as { report?: { lv?: Record<string, string>[] }[] };
  const rows = json.report?.[0]?.lv;
  if (!Array.isArray(rows)) throw new Error('lvs answered without a report of logical volumes');
  return rows.map((row) => ({
    name: String(row.lv_name),
    sizeMib: Math.round(Number(row.lv_size)),
    origin: row.origin ? String(row.origin) : null,
    dataPercent: row.data_percent === undefined || row.data_percent === '' ? null : Number(row.data_percent),
  }));
}
