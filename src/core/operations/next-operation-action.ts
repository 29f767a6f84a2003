import type { Operation, OperationHost } from '../../domain/operation.js';

/** What the runner sees of the cluster on one look. */
export interface OperationWorld {
  now: number;
  hosts: ReadonlyMap<string, { status: 'ready' | 'down'; lastHeartbeatAt: number; draining: boolean }>;
  /** Live (not terminal) instances per host id. */
  liveOn: ReadonlyMap<string, number>;
  /** Apps of the group: how many instances they want and how many serve now. */
  apps: ReadonlyMap<string, { count: number; serving: number }>;
}

export type AgentStep = 'run' | 'reboot' | 'back' | 'check';

export type OperationAction =
  /** The step is complete for every host of the batch. */
  | { kind: 'advance'; message: string }
  /** Nothing to do on this look; `message` says what it waits for. */
  | { kind: 'wait'; message: string }
  /** The step failed (a deadline passed): the operation pauses on it. */
  | { kind: 'fail'; hostIds: string[]; message: string }
  /** Cordon these hosts and have their instances moved (their cordon before is recorded). */
  | { kind: 'drain'; hostIds: string[] }
  /** Give these hosts back to the scheduler (or leave them cordoned, as they were). */
  | { kind: 'uncordon'; hostIds: string[] }
  /** Ask these hosts' agents for a step; each answer is recorded on its own. */
  | { kind: 'call'; step: AgentStep; hostIds: string[] };

/**
 * The next thing a running operation does (pure: the operation and a look at the cluster in,
 * one action out). Each step is safe to decide again after a server restart: a host's state in
 * the step is recorded, and a host `active` in a step is only ever waited for.
 */
export function nextOperationAction(op: Operation, world: OperationWorld): OperationAction {
  const batchHosts = op.hosts.filter((h) => h.batch === op.batch);
  const working = batchHosts.filter((h) => !h.skipped);
  const ids = (hs: OperationHost[]) => hs.map((h) => h.id);
  const names = (hs: OperationHost[]) => hs.map((h) => h.name).join(', ');
  const elapsed = world.now - op.stepStartedAt;
  const pending = working.filter((h) => h.state === 'pending');
  const failed = working.filter((h) => h.state === 'failed');
  if (failed.length > 0) return { kind: 'fail', hostIds: ids(failed), message: `${op.step} failed on ${names(failed)}` };

  switch (op.step) {
    case 'drain': {
      // An active host that is not draining was being drained when the server stopped.
      const undrained = working.filter((h) => h.state === 'pending' || (h.state === 'active' && world.hosts.get(h.id)?.draining === false));
      if (undrained.length > 0) return { kind: 'drain', hostIds: ids(undrained) };
      const left = working.map((h) => ({ h, n: world.liveOn.get(h.id) ?? 0 })).filter((x) => x.n > 0);
      if (left.length === 0) return { kind: 'advance', message: `${names(working) || 'no host'} drained` };
      const what = left.map((x) => `${x.h.name} (${x.n} left)`).join(', ');
      if (elapsed > op.spec.drainDeadlineMs) {
        return {
          kind: 'fail',
          hostIds: left.map((x) => x.h.id),
          message: `still draining after ${minutes(op.spec.drainDeadlineMs)}: ${what}; is there room for them on the other hosts of group ${op.spec.group}? ("bubo events --host NAME")`,
        };
      }
      return { kind: 'wait', message: `draining ${what}` };
    }
    case 'run':
    case 'check': {
      // The runner looks at an operation again only once its calls have answered, so an `active`
      // host here was cut off by a server restart: its step runs again (each is safe to re-run).
      const todo = working.filter((h) => h.state === 'pending' || h.state === 'active');
      if (todo.length > 0) return { kind: 'call', step: op.step, hostIds: ids(todo) };
      return { kind: 'advance', message: op.step === 'run' ? `${op.spec.run} done on ${names(working) || 'no host'}` : `checks passed on ${names(working) || 'no host'}` };
    }
    case 'reboot': {
      if (pending.length > 0) return { kind: 'call', step: 'reboot', hostIds: ids(pending) };
      const away = working.filter((h) => h.state === 'active');
      if (away.length === 0) return { kind: 'advance', message: `${names(working) || 'no host'} rebooted and back` };
      const late = away.filter((h) => world.now - (h.since ?? op.stepStartedAt) > op.spec.rebootDeadlineMs);
      if (late.length > 0) return { kind: 'fail', hostIds: ids(late), message: `${names(late)} not back ${minutes(op.spec.rebootDeadlineMs)} after the reboot was asked for (its agent has not answered with a new start)` };
      return { kind: 'call', step: 'back', hostIds: ids(away) };
    }
    case 'uncordon': {
      const todo = batchHosts.filter((h) => h.state === 'pending');
      if (todo.length > 0) return { kind: 'uncordon', hostIds: ids(todo) };
      return { kind: 'advance', message: `${names(batchHosts)} ${batchHosts.every((h) => h.wasCordoned) ? 'left cordoned, as before' : 'uncordoned'}` };
    }
    case 'settle': {
      const short = [...world.apps]
        .map(([appId, a]) => ({ appId, want: Math.min(a.count, op.baseline[appId] ?? a.count), serving: a.serving }))
        .filter((a) => a.serving < a.want)
        .sort((a, b) => a.appId.localeCompare(b.appId));
      if (short.length === 0) return { kind: 'advance', message: 'every app serves as before' };
      const what = short.map((a) => `${a.appId} ${a.serving}/${a.want} serving`).join(', ');
      if (elapsed > op.spec.settleDeadlineMs) return { kind: 'fail', hostIds: ids(batchHosts), message: `apps not back after ${minutes(op.spec.settleDeadlineMs)}: ${what}` };
      return { kind: 'wait', message: `waiting for the instances to serve again: ${what}` };
    }
  }
}

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}
