/**
 * One call that asked to change something (every method but GET), as the audit log keeps it:
 * who, as what, which route and path, and how it ended, refused calls included. Never a body, so
 * never a secret value or a task file. Written by the HTTP layer only; no route changes it.
 */
export interface AuditRecord {
  id: number;
  at: number;
  /** `admin`, `host:<name>`, or `anonymous` when the caller was not authenticated. */
  actor: string;
  /** `admin`, `host`, or `none` (unauthenticated). */
  role: string;
  method: string;
  /** The route's path template (`/v1/apps/:namespace/:app/scale`), or null for an unknown path. */
  route: string | null;
  /** The path called, without its query: what the call was about. */
  target: string;
  status: number;
  /** The error code of a failed or refused call (`forbidden`, `secrets_missing`, …); null when it succeeded. */
  code: string | null;
}
