import type { Serving } from './serving-timeline.js';

/** A new instance's milestones (epoch ms). For the baseline, "placed" is the start call and "healthy" its first answer. */
export interface NewInstanceTimes {
  id: string;
  placedAt: number;
  runningAt: number;
  healthyAt: number;
  /** Its first answer through the load balancer. */
  servedAt: number;
}

/** An old instance's stop: when it was asked to stop, when it had. */
export interface OldInstanceTimes {
  id: string;
  stoppingAt: number;
  stoppedAt: number;
}

/** One replacement of every instance of the app, from the deploy call to the end. */
export interface DeployTimeline {
  calledAt: number;
  /** Every answer through the load balancer is the new version and (bubo) the deployment succeeded. */
  endAt: number;
  created: NewInstanceTimes[];
  stopped: OldInstanceTimes[];
  /** Instances restarted in place after failed health checks during the deploy (bubo only). */
  restarts?: number;
}

/** An event as `listEvents` returns it, with `at` parsed to epoch ms. */
export interface TimedEvent {
  at: number;
  kind: string;
  message?: string;
  data: Record<string, unknown>;
}

export class TimelineError extends Error {
  override name = 'TimelineError';
}

/**
 * Reads one bubo deployment's timeline from the server's event log (times at the server, the
 * same clock as the bench) and from what the load balancer served:
 * - new instances are those `instance.placed` for `release`; each one's `instance.running` and
 *   `instance.healthy` are the agent's reports arriving at the server;
 * - old instances are those in `instance.stopping` events (the server takes them out of the
 *   catalog, hence the load balancer, at that moment), until their `instance.stopped`;
 * - the end is the latest of `deployment.succeeded`, the first answer of each new instance
 *   through the load balancer, and the first of the final run of new-version answers.
 */
export function buboTimeline(input: { calledAt: number; release: number; events: readonly TimedEvent[]; serving: Serving }): DeployTimeline {
  const { events, serving } = input;
  const first = (kind: string, instance: string) => events.find((e) => e.kind === kind && e.data.instance === instance)?.at;
  // An instance restarted after failed checks is `running` more than once: its health check time
  // is from the last start before it turned healthy; the failed attempts stay in bubo's figure.
  const lastBefore = (kind: string, instance: string, before: number) =>
    events.findLast((e) => e.kind === kind && e.data.instance === instance && e.at <= before)?.at;
  const need = (value: number | undefined | null, what: string): number => {
    if (value === undefined || value === null) throw new TimelineError(`release ${input.release}: no ${what} in the event log or the load balancer's answers`);
    return value;
  };
  const created: NewInstanceTimes[] = [];
  for (const placed of events.filter((e) => e.kind === 'instance.placed' && e.data.release === input.release)) {
    for (const id of placed.data.instances as string[]) {
      const healthyAt = need(first('instance.healthy', id), `instance.healthy of ${id}`);
      created.push({
        id,
        placedAt: placed.at,
        runningAt: need(lastBefore('instance.running', id, healthyAt), `instance.running of ${id}`),
        healthyAt,
        servedAt: need(serving.firstSeen.get(id), `answer from ${id} (answers came from: ${[...serving.firstSeen.keys()].join(', ') || 'none'})`),
      });
    }
  }
  if (created.length === 0) throw new TimelineError(`release ${input.release}: no instance.placed event`);
  const fresh = new Set(created.map((c) => c.id));
  const stopped: OldInstanceTimes[] = [];
  // The server's decision (`data.instances`), not the agent's state report (`data.instance`).
  for (const stopping of events.filter((e) => e.kind === 'instance.stopping' && Array.isArray(e.data.instances))) {
    for (const id of stopping.data.instances as string[]) {
      if (fresh.has(id) || stopped.some((s) => s.id === id)) continue;
      stopped.push({ id, stoppingAt: stopping.at, stoppedAt: need(first('instance.stopped', id), `instance.stopped of ${id}`) });
    }
  }
  const succeeded = events.find((e) => e.kind === 'deployment.succeeded' && e.data.release === input.release)?.at;
  const endAt = Math.max(need(succeeded, 'deployment.succeeded'), need(serving.allNewAt, 'final run of new-version answers'), ...created.map((c) => c.servedAt));
  const restarts = events.filter((e) => e.kind === 'instance.restarting').length;
  return { calledAt: input.calledAt, endAt, created, stopped, restarts };
}
