import { type AgentCaller, LocalExec, LocalMaintenanceCheck, LocalMaintenanceInfo } from '../../api/agent-local.js';
import type { Host } from '../../domain/host.js';
import { isServing, isTerminal } from '../../domain/instance.js';
import type { Operation, OperationHost } from '../../domain/operation.js';
import type { CoreContext } from '../core-context.js';
import { event } from '../record-event.js';
import { setHostCordon } from '../set-host-cordon.js';
import { advanceOperation } from './advance-operation.js';
import { lostRuntimes } from './lost-runtimes.js';
import { mutateOperation } from './mutate-operation.js';
import { type AgentStep, nextOperationAction, type OperationAction, type OperationWorld } from './next-operation-action.js';

const ACTOR = 'maintenance';
/** A maintenance command (a full upgrade) may take this long. */
const RUN_MS = 65 * 60_000;
const OUTPUT_TAIL = 16 * 1024;
/**
 * Decisions one look makes in a row while each makes progress (a step advanced, hosts cordoned, an
 * agent answered): without it every step boundary would cost a whole interval.
 */
const MAX_DECISIONS_PER_LOOK = 16;

export interface OperationRunnerOptions {
  /** How often running operations are looked at; each wait step is re-checked this often. */
  intervalMs: number;
  onError: (error: unknown) => void;
}

/**
 * Drives every running operation, one step decision at a time (`nextOperationAction`), and
 * records each outcome in the operation's row before deciding again: a server restart resumes
 * where the record says (a step interrupted mid-way is decided again, and each is safe to run
 * twice). An operation is worked on by one look at a time; a look that calls agents (a patch that
 * takes half an hour) holds only its own operation.
 */
export class OperationRunner {
  readonly #ctx: CoreContext;
  readonly #call: AgentCaller;
  readonly #options: OperationRunnerOptions;
  readonly #inFlight = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(ctx: CoreContext, call: AgentCaller, options: OperationRunnerOptions) {
    this.#ctx = ctx;
    this.#call = call;
    this.#options = options;
  }

  start(): void {
    this.#timer = setInterval(() => void this.tick(), this.#options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Starts a look at every running operation not being looked at; resolves when those looks end. */
  async tick(): Promise<void> {
    let ops: Operation[];
    try {
      ops = await this.#ctx.store.listOperations({ active: true });
    } catch (error) {
      this.#options.onError(error);
      return;
    }
    const looks = ops
      .filter((op) => op.status === 'running' && !this.#inFlight.has(op.id))
      .map(async (op) => {
        this.#inFlight.add(op.id);
        try {
          let current: Operation | undefined = op;
          for (let n = 0; n < MAX_DECISIONS_PER_LOOK && current?.status === 'running'; n++) {
            const kind = await this.step(current);
            if (kind === 'wait' || kind === 'fail') break;
            current = await this.#ctx.store.getOperation(op.id);
          }
        } catch (error) {
          this.#options.onError(error);
        } finally {
          this.#inFlight.delete(op.id);
        }
      });
    await Promise.all(looks);
  }

  /** One decision for `op` and its effect; returns which kind of decision it was. */
  async step(op: Operation): Promise<OperationAction['kind']> {
    const ctx = this.#ctx;
    const hosts = new Map((await ctx.store.listHosts()).map((h) => [h.id, h]));
    const world = await this.#look(op, hosts);
    const action = nextOperationAction(op, world);
    const now = ctx.now();
    // Every change is made only if the operation is still where this look found it (a human may
    // have paused or aborted it meanwhile).
    const here = (o: Operation) => o.status === 'running' && o.batch === op.batch && o.step === op.step;
    switch (action.kind) {
      case 'wait':
        if (action.message !== op.message) await mutateOperation(ctx, op.id, (o) => (here(o) ? { ...o, message: action.message } : o));
        return action.kind;
      case 'advance': {
        const next = await mutateOperation(ctx, op.id, (o) => (here(o) ? advanceOperation(o, ctx.now(), action.message) : o));
        if (next.batch !== op.batch || next.status !== 'running') {
          await ctx.store.appendEvents([event(now, ACTOR, next.status === 'done' ? 'operation.done' : 'operation.batch_done', `operation ${op.id}: ${next.message}`, { data: { operation: op.id } })]);
        }
        return action.kind;
      }
      case 'fail': {
        const failedIds = new Set(action.hostIds);
        const output = op.hosts
          .filter((h) => failedIds.has(h.id) && h.output)
          .map((h) => `── ${h.name} ──\n${h.output}`)
          .join('\n');
        const message = `${action.message}; paused ("bubo op retry ${op.id}", "bubo op skip ${op.id}" or "bubo op abort ${op.id}")`;
        await mutateOperation(ctx, op.id, (o) =>
          here(o)
            ? {
                ...o,
                status: 'paused',
                message,
                failure: { batch: o.batch, step: o.step, hostIds: action.hostIds, message: action.message, output, at: now },
                hosts: o.hosts.map((h) => (failedIds.has(h.id) && h.batch === o.batch ? { ...h, state: 'failed' } : h)),
                log: [...o.log, { at: now, batch: o.batch, step: o.step, message: action.message }],
              }
            : o,
        );
        await ctx.store.appendEvents([event(now, ACTOR, 'operation.failed', `operation ${op.id}: ${action.message}`, { data: { operation: op.id } })]);
        return action.kind;
      }
      case 'drain':
        for (const id of action.hostIds) {
          const host = hosts.get(id);
          const mine = op.hosts.find((h) => h.id === id)!;
          // What to give back at the end is recorded before anything changes.
          if (mine.state === 'pending') {
            await mutateOperation(ctx, op.id, (o) => (here(o) ? setHost(o, id, { state: 'active', wasCordoned: host?.cordoned ?? false, since: now }) : o));
          }
          if (host) await setHostCordon(ctx, { host: host.id, cordoned: true, drain: true, actor: `${ACTOR} ${op.id}` });
        }
        return action.kind;
      case 'uncordon':
        for (const id of action.hostIds) {
          const host = hosts.get(id);
          const mine = op.hosts.find((h) => h.id === id)!;
          if (host) await setHostCordon(ctx, { host: host.id, cordoned: mine.wasCordoned, drain: false, actor: `${ACTOR} ${op.id}` });
          await mutateOperation(ctx, op.id, (o) => (here(o) ? setHost(o, id, { state: 'done' }) : o));
        }
        return action.kind;
      case 'call':
        await Promise.all(action.hostIds.map((id) => this.#callAgent(op, action.step, op.hosts.find((h) => h.id === id)!, hosts.get(id), here)));
        // Asking a rebooting host whether it is back is waiting: once per interval, not in a row.
        return action.step === 'back' ? 'wait' : action.kind;
    }
  }

  async #look(op: Operation, hosts: Map<string, Host>): Promise<OperationWorld> {
    const { store } = this.#ctx;
    const instances = await store.listInstances({ live: true });
    const liveOn = new Map<string, number>();
    const serving = new Map<string, number>();
    for (const i of instances) {
      if (isTerminal(i.state)) continue;
      liveOn.set(i.hostId, (liveOn.get(i.hostId) ?? 0) + 1);
      if (isServing(i)) serving.set(i.appId, (serving.get(i.appId) ?? 0) + 1);
    }
    const apps = new Map<string, { count: number; serving: number }>();
    for (const appId of Object.keys(op.baseline)) {
      const app = await store.getApp(appId);
      if (!app) continue;
      apps.set(appId, { count: app.stopped || app.destroying ? 0 : app.count, serving: serving.get(appId) ?? 0 });
    }
    return {
      now: this.#ctx.now(),
      hosts: new Map([...hosts].map(([id, h]) => [id, { status: h.status, lastHeartbeatAt: h.lastHeartbeatAt, draining: h.draining ?? false }])),
      liveOn,
      apps,
    };
  }

  /** One host's agent step; its outcome is recorded on that host (failed: the next look pauses the operation). */
  async #callAgent(op: Operation, step: AgentStep, mine: OperationHost, host: Host | undefined, here: (o: Operation) => boolean): Promise<void> {
    const ctx = this.#ctx;
    const record = (patch: Partial<OperationHost>) => mutateOperation(ctx, op.id, (o) => (here(o) ? setHost(o, mine.id, patch) : o));
    const fail = (output: string) => record({ state: 'failed', output: tail(output) });
    if (!host?.agentUrl) {
      if (step === 'back') return;
      await fail(host ? `host ${host.name} announced no agent listener` : `host ${mine.name} is no longer registered`);
      return;
    }
    const call = (method: 'GET' | 'POST', path: string, body: unknown, timeoutMs: number) =>
      this.#call({ agentUrl: host.agentUrl!, hostName: host.name, hostAddress: host.address, method, path, body, timeoutMs });
    try {
      switch (step) {
        case 'run': {
          await record({ state: 'active', since: ctx.now() });
          const answer = LocalExec.parse(await call('POST', '/v1/local/maintenance/run', { name: op.spec.run }, RUN_MS));
          if (answer.exit_code === 0) await record({ state: 'done', output: tail(answer.output) });
          else await fail(`${op.spec.run} exited ${answer.exit_code}\n${answer.output}`);
          return;
        }
        case 'check': {
          await record({ state: 'active', since: ctx.now() });
          const answer = LocalMaintenanceCheck.parse(await call('POST', '/v1/local/maintenance/check', {}, 10 * 60_000));
          const lost = lostRuntimes(mine.runtimesBefore, host.runtimes);
          const report = [...answer.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.ok || !c.output ? '' : `: ${c.output.trim()}`}`), ...lost].join('\n');
          if (answer.ok && lost.length === 0) await record({ state: 'done', output: tail(report) });
          else await fail(report);
          return;
        }
        case 'reboot': {
          const info = LocalMaintenanceInfo.parse(await call('GET', '/v1/local/maintenance', undefined, 30_000));
          // Recorded before the reboot is asked for: the agent that answers with another
          // incarnation afterwards is the rebooted one.
          await record({ state: 'active', incarnation: info.incarnation, since: ctx.now() });
          await call('POST', '/v1/local/maintenance/reboot', {}, 30_000);
          return;
        }
        case 'back': {
          if (host.status !== 'ready' || host.lastHeartbeatAt <= (mine.since ?? 0)) return;
          const info = LocalMaintenanceInfo.parse(await call('GET', '/v1/local/maintenance', undefined, 5_000));
          if (info.incarnation !== mine.incarnation) await record({ state: 'done', output: `agent back (started ${new Date(info.started_at).toISOString()})` });
          return;
        }
      }
    } catch (error) {
      // Waiting for a rebooting host: it does not answer until it is back.
      if (step === 'back') return;
      await fail(`${step} on ${host.name}: ${(error as Error).message}`);
    }
  }
}

function setHost(op: Operation, id: string, patch: Partial<OperationHost>): Operation {
  return { ...op, hosts: op.hosts.map((h) => (h.id === id && h.batch === op.batch ? { ...h, ...patch } : h)) };
}

function tail(text: string): string {
  return text.length <= OUTPUT_TAIL ? text : `…${text.slice(-OUTPUT_TAIL)}`;
}
