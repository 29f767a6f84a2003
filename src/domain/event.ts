/** Append-only record of who did what when. */
export interface BuboEvent {
  id: number;
  at: number;
  /** `admin`, `system` (the control loop) or `host:<name>`. */
  actor: string;
  /** Dotted name, e.g. `release.created`, `instance.placed`, `host.cordoned`. */
  kind: string;
  appId: string | null;
  hostId: string | null;
  message: string;
  data: Record<string, unknown>;
}
