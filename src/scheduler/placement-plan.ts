/** Where one instance goes. Placements are in slot order: the caller gives slot n to placements[n]. */
export interface Placement {
  hostId: string;
}

/** A host that could not take even one instance, with the first check that rejected it. */
export interface RejectedHost {
  hostId: string;
  hostName: string;
  /** Short label used to group rejections in the summary, e.g. `out of memory`. */
  check: string;
  /** Full sentence with numbers, e.g. `out of memory: needs 512 MiB, 256 MiB free`. */
  reason: string;
}

/** Human units: cpus for cpu, MiB for memory and disk. */
export interface ShortfallRow {
  resource: 'cpu' | 'memory' | 'disk';
  /** Whole request: count × per-instance amount. */
  requested: number;
  /** Free capacity summed over the eligible hosts (in group, ready, not cordoned, right runtime). */
  free: number;
  /** max(0, requested − free). Zero on every row means the free capacity is too fragmented. */
  missing: number;
}

export interface PlacementPlan {
  /** `count` entries when everything fits or when forced onto eligible hosts; otherwise empty. */
  placements: Placement[];
  rejections: RejectedHost[];
  /** e.g. `0/3 hosts fit: 2 out of memory, 1 no microvm runtime`. */
  summary: string;
  /** Every instance fits within capacity. */
  fits: boolean;
  /** Empty when `fits`. */
  shortfall: ShortfallRow[];
  /** Forced placements went beyond the capacity of at least one host. */
  overProvisioned: boolean;
  warnings: string[];
}
