import { z } from 'zod';

/**
 * `GET /v1/apps/:namespace/:app/logs`: the query, and one line of its `application/x-ndjson`
 * answer. A line is either output of one container, or the reason one instance's stream failed
 * (its host unreachable...), so one bad host never ends the others' streams.
 */
export const AppLogsQuery = z.strictObject({
  /** Only this instance (its id as `bubo status` shows it). */
  instance: z.string().min(1).max(128).optional(),
  /** Keep streaming new lines until the client disconnects. */
  follow: z.enum(['true', 'false']).optional(),
  /** Only the last N lines of each container. */
  tail: z.coerce.number().int().min(0).max(1_000_000).optional(),
  /** Only lines written in this last duration, e.g. `10m` (approximate for runtimes without per-line times). */
  since: z.string().min(1).max(32).optional(),
});

export const AppLogLine = z.union([
  z.object({
    instance: z.string(),
    container: z.string(),
    line: z.string(),
    /** When the line was written (ms since the epoch), when the runtime knows. */
    at: z.number().nullable(),
  }),
  z.object({ instance: z.string(), error: z.string() }),
]);
export type AppLogLine = z.infer<typeof AppLogLine>;
