import type { Assignment, RegisterResponse } from '../api/agent-protocol.js';
import type { ApiClient } from '../client/api-client.js';
import { reconnectDelayMs } from '../client/reconnect-delay.js';
import { RUNTIME_PREFERENCE } from '../domain/runtime-kind.js';
import { DomainError } from '../errors/domain-error.js';
import { HealthMonitor, type HealthReport } from '../health/health-monitor.js';
import type { Prober } from '../health/prober.js';
import type { Runtime, RuntimeInstance } from '../runtimes/runtime.js';
import type { TaskSpec } from '../domain/task-spec.js';
import { type AssignmentSet, type InstanceRecord, newInstanceRecord } from './instance-record.js';
import { type ConvergenceAction, planConvergence, specOf, stopTimeoutOf } from './plan-convergence.js';
import { planReport, rememberReported } from './plan-report.js';
import { planUnhealthyRestart } from './plan-unhealthy-restart.js';
import { prepareVolumes } from './prepare-volumes.js';
import type { VolumeDriver } from '../volumes/volume-driver.js';

export interface AgentOptions {
  client: ApiClient;
  name: string;
  group: string;
  address: string;
  capacity: { cpus: number; memory_mib: number; disk_mib: number };
  runtimes: Runtime[];
  labels?: Record<string, string>;
  roles?: string[];
  /** This agent's own HTTP listener (`agent-http.ts`), announced at registration. */
  agentUrl?: string;
  /** How long one assignments long-poll may wait on the server. */
  pollWaitMs?: number;
  /** How often running instances are inspected for exits. */
  monitorIntervalMs?: number;
  log?: (line: string) => void;
  /**
   * Runs after each registration and before the agent acts on any assignment: the host's subnet
   * arrives here, and the network must exist before an instance can start.
   */
  onRegistered?: (registration: RegisterResponse) => Promise<void>;
  /**
   * Runs from the supervise tick when no start or stop is in flight, so housekeeping (image
   * garbage collection) never races an instance between pulling its image and recording it.
   */
  onIdle?: () => Promise<void>;
  /** Runs one health check (default: real http, tcp and exec checks); tests inject their own. */
  healthProbe?: Prober;
  /**
   * An instance that fails its health check is restarted in place (restart policy `always` or
   * `on-failure`) at most this many times in a row; then it is reported failed with the last
   * check's output and the server replaces it. Default 3.
   */
  maxUnhealthyRestarts?: number;
  /** How long `stop()` waits for work in flight before it gives up on it. Default 30 s. */
  stopGraceMs?: number;
  /**
   * Resolves once the load balancers no longer send new connections to an instance the server
   * took out of the catalog (the lb of this host: its reload is in effect). A stop waits for it
   * before the drain delay starts, so `drain_delay` is measured from the moment the instance
   * left the upstreams in effect, not from the catalog change (NGINX applies that later). The
   * hook bounds its own wait. Default: resolves at once.
   */
  outOfTraffic?: (instance: { id: string; address: string }, signal: AbortSignal) => Promise<unknown>;
  /** Where instances' volumes live on this host. Without one, an instance with volumes fails to start, saying so. */
  volumes?: VolumeDriver;
}

/**
 * The host side of the agent protocol, independent of any runtime: register, heartbeat,
 * long-poll the complete set of instances this host should hold, converge to it, report states.
 * Declarative and idempotent: converging twice to the same set does nothing the second time.
 * Stopping the agent leaves instances running (they are re-adopted through `Runtime.list`).
 *
 * What to do is decided by pure functions over one state record per instance
 * (`plan-convergence.ts`, `plan-report.ts`, `plan-unhealthy-restart.ts`); this class only keeps
 * the records, runs the actions and talks to the server.
 */
export class Agent {
  hostId: string | null = null;
  #o: Required<Omit<AgentOptions, 'labels' | 'roles' | 'onRegistered' | 'agentUrl' | 'onIdle' | 'healthProbe' | 'outOfTraffic' | 'volumes'>> &
    Pick<AgentOptions, 'labels' | 'roles' | 'onRegistered' | 'agentUrl' | 'onIdle' | 'healthProbe' | 'outOfTraffic' | 'volumes'>;
  #abort = new AbortController();
  #loops: Promise<void>[] = [];
  #assignments: AssignmentSet = new Map<string, Assignment>();
  #records = new Map<string, InstanceRecord>();
  #heartbeatMs = 5_000;
  /** Whether the first convergence (adopting what already runs) has happened. */
  #adopted = false;
  /** Runtimes whose probe said they cannot work here: never chosen for a start. */
  #unavailable = new Set<Runtime>();
  #health: HealthMonitor;

  constructor(options: AgentOptions) {
    this.#o = { pollWaitMs: 30_000, monitorIntervalMs: 1_000, log: () => {}, maxUnhealthyRestarts: 3, stopGraceMs: 30_000, ...options };
    this.#o.runtimes = [...options.runtimes];
    this.#health = new HealthMonitor({
      onChange: (id, report) => this.#healthChanged(id, report),
      log: (line) => this.#o.log(`health: ${line}`),
      ...(options.healthProbe ? { probe: options.healthProbe } : {}),
    });
  }

  async start(): Promise<void> {
    await this.#register();
    const signal = this.#abort.signal;
    this.#loops = [
      this.#every(() => this.#heartbeatMs, () => this.#heartbeat(), signal),
      this.#pollLoop(signal),
      this.#every(() => this.#o.monitorIntervalMs, () => this.#supervise(), signal),
    ];
  }

  /** `--drain-on-exit`: stop every instance this host runs (after `stop`). */
  async drain(): Promise<void> {
    // In parallel: each stop may wait out its instance's stop timeout.
    const stops = [...(await this.#listAll())].map(([id, { runtime }]) => {
      const assignment = this.#assignments.get(id);
      return runtime.stop(id, stopTimeoutOf(assignment ? specOf(assignment) : undefined));
    });
    await Promise.all(stops);
    // Nothing runs on them now: let go of the host's mounts (the data stays on disk).
    const volumes = this.#o.volumes;
    if (volumes) for (const id of await volumes.list()) await volumes.unmount(id);
  }

  async #supervise(): Promise<void> {
    for (const runtime of this.#o.runtimes) await runtime.supervise?.();
    await this.#syncHealth();
    await this.#report();
    if (this.#inFlight().length === 0) await this.#o.onIdle?.();
  }

  /**
   * Stops talking to the server; instances keep running. Work in flight (a start pulling a large
   * image, a stop waiting out a stop timeout, a report to a slow server) gets `stopGraceMs` to
   * finish; past that the agent stops waiting and says what it left, because an agent that cannot
   * be restarted promptly is worse than one whose half-done start the next agent picks up (a start
   * cut short is cleaned up and redone, as after a SIGKILL).
   */
  async stop(): Promise<void> {
    this.#abort.abort();
    const graceMs = this.#o.stopGraceMs;
    const settled = Promise.allSettled([this.#health.stop(), ...this.#loops, ...this.#inFlight().map((r) => r.work)]).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    const done = await Promise.race([settled, late]);
    clearTimeout(timer);
    if (!done) {
      const busy = this.#inFlight().map((r) => r.id);
      this.#o.log(
        `stopping: still busy after ${Math.round(graceMs / 1000)}s${busy.length > 0 ? ` with instance(s) ${busy.join(', ')}` : ' (a request to the server or a runtime call)'}; not waiting longer, a restarted agent takes over from here`,
      );
    }
  }

  #inFlight(): InstanceRecord[] {
    return [...this.#records.values()].filter((r) => r.work !== null);
  }

  #record(id: string): InstanceRecord {
    let record = this.#records.get(id);
    if (!record) {
      record = newInstanceRecord(id);
      this.#records.set(id, record);
    }
    return record;
  }

  /** Hands the instances that run (and should) to the health monitor. */
  async #syncHealth(): Promise<void> {
    const running = await this.#listAll();
    const monitored = [];
    for (const assignment of this.#assignments.values()) {
      const have = running.get(assignment.id);
      if (assignment.desired !== 'run' || !have || have.instance.state !== 'running' || this.#records.get(assignment.id)?.work) continue;
      monitored.push({ id: assignment.id, address: have.instance.address, spec: specOf(assignment), startedAt: have.instance.startedAt, runtime: have.runtime });
    }
    this.#health.sync(monitored);
  }

  /**
   * Reports a health change at once. An instance that turned unhealthy is restarted in place per
   * its restart policy, a few times in a row at most; then it is failed so the server replaces it.
   */
  #healthChanged(id: string, report: HealthReport): void {
    const record = this.#records.get(id);
    if (record) {
      if (report.health === 'healthy') record.unhealthyRestarts = 0;
      record.unhealthyMessage = report.health === 'unhealthy' ? report.message : null;
    }
    // The unhealthy state reaches the server (and the catalog drops the instance) before the
    // restart begins: once it is busy restarting, reports say `starting`.
    const reported = this.#report().catch(() => {});
    if (report.health !== 'unhealthy') return;
    void reported.then(() => this.#restartUnhealthy(id, report));
  }

  #restartUnhealthy(id: string, report: HealthReport): void {
    const assignment = this.#assignments.get(id);
    const record = this.#record(id);
    if (assignment?.desired !== 'run' || record.work) return;
    const spec = specOf(assignment);
    const restarts = record.unhealthyRestarts;
    const { giveUp, why } = planUnhealthyRestart({ policy: spec.containers?.[0]?.restart ?? 'always', restarts, maxRestarts: this.#o.maxUnhealthyRestarts, message: report.message });
    this.#o.log(`instance ${id}: ${why}`);
    void this.event('instance.restarting', `instance ${id} ${why}`, `${assignment.namespace}/${assignment.app}`);
    this.#track(
      id,
      (async () => {
        const have = (await this.#listAll()).get(id);
        // It left the catalog with the unhealthy report; a slow instance may still answer, so
        // the load balancer stops sending to it before it goes (no drain delay: it is unhealthy).
        if (have?.instance.state === 'running') await this.#outOfTraffic(id, have.instance.address);
        await have?.runtime.stop(id, stopTimeoutOf(spec));
        if (giveUp) {
          record.failure = why;
          return;
        }
        record.unhealthyRestarts = restarts + 1;
        await this.#startInstance(assignment);
      })(),
    );
  }

  /** Records an event in the server's log; best effort (the agent's own log has it too). */
  async event(kind: string, message: string, app?: string): Promise<void> {
    if (!this.hostId) return;
    await this.#o.client.call('agentEvent', { body: { host_id: this.hostId, kind, message, ...(app ? { app } : {}) } }).catch(() => {});
  }

  async #register(): Promise<void> {
    const runtimes = await Promise.all(this.#o.runtimes.map((r) => r.probe()));
    this.#unavailable = new Set(this.#o.runtimes.filter((_, n) => !runtimes[n]!.available));
    const answer = await this.#o.client.call('agentRegister', {
      body: {
        name: this.#o.name,
        group: this.#o.group,
        address: this.#o.address,
        capacity: this.#o.capacity,
        runtimes,
        labels: this.#o.labels ?? {},
        roles: this.#o.roles ?? [],
        ...(this.#o.agentUrl ? { agent_url: this.#o.agentUrl } : {}),
      },
    });
    await this.#o.onRegistered?.(answer);
    this.hostId = answer.host_id;
    this.#heartbeatMs = answer.heartbeat_interval_ms;
    this.#forgetReports();
    this.#o.log(`registered as ${answer.host_id} with subnet ${answer.subnet}`);
  }

  /** The server may have lost what it was told (it restarted, or a report failed): say it all again. */
  #forgetReports(): void {
    for (const record of this.#records.values()) record.reported = null;
  }

  async #heartbeat(): Promise<void> {
    try {
      await this.#o.client.call('agentHeartbeat', { body: { host_id: this.hostId! } });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'not_found') await this.#register();
      else throw error;
    }
  }

  async #pollLoop(signal: AbortSignal): Promise<void> {
    let index = 0;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const answer = await this.#o.client.call('agentAssignments', {
          query: { host_id: this.hostId!, index, wait_ms: this.#o.pollWaitMs },
          signal,
          timeoutMs: this.#o.pollWaitMs + 10_000,
        });
        // An index that went backwards means the server restarted: report everything again.
        if (answer.index < index) this.#forgetReports();
        index = answer.index;
        failures = 0;
        this.#assignments = new Map(answer.instances.map((a) => [a.id, a]));
        await this.#converge();
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof DomainError && error.code === 'not_found') await this.#register().catch(() => {});
        const delay = reconnectDelayMs(failures++, Math.random());
        this.#o.log(`assignments: ${(error as Error).message}; retrying in ${delay} ms`);
        this.#forgetReports();
        await sleep(delay, signal);
      }
    }
  }

  /** Starts what should run, stops what should not (as `planConvergence` says), and reports. */
  async #converge(): Promise<void> {
    const running = await this.#listAll();
    const observed = new Map([...running].map(([id, { runtime, instance }]) => [id, { runtime: runtime.name, instance }]));
    if (!this.#adopted) {
      // The first convergence of this agent's life: say what it found running and kept.
      this.#adopted = true;
      const kept = [...this.#assignments.values()].filter((a) => a.desired === 'run' && observed.get(a.id)?.instance.state === 'running');
      this.#o.log(`adopted ${kept.length} running instance(s)${kept.length > 0 ? `: ${kept.map((a) => a.id).join(', ')}` : ''}`);
    }
    for (const action of planConvergence(this.#assignments, observed, this.#records)) {
      if (action.kind === 'start') this.#track(action.id, this.#startInstance(action.assignment));
      else if (action.kind === 'stop') this.#track(action.id, this.#stopInstance(action, running.get(action.id)?.runtime));
      else this.#records.delete(action.id);
    }
    await this.#syncHealth();
    await this.#report();
  }

  #track(id: string, work: Promise<void>): void {
    const record = this.#record(id);
    const done = work.finally(() => {
      record.work = null;
      // Hand a just-started instance to the health checks now, not on the next supervise tick.
      void this.#syncHealth()
        .then(() => this.#report())
        .catch(() => {});
    });
    record.work = done;
  }

  async #startInstance(assignment: Assignment): Promise<void> {
    const spec = specOf(assignment);
    const record = this.#record(assignment.id);
    const runtime = this.#runtimeFor(spec);
    if (!runtime) {
      record.failure = `no ${spec.runtime} runtime available on host ${this.#o.name}`;
      return;
    }
    let volumes: Awaited<ReturnType<typeof prepareVolumes>> = [];
    const wanted = assignment.volumes ?? [];
    if (wanted.length > 0) {
      if (!this.#o.volumes) {
        record.failure = `start failed: instance ${assignment.id} has volumes, and host ${this.#o.name} has no volume driver`;
        return;
      }
      try {
        volumes = await prepareVolumes(this.#o.volumes, wanted, runtime);
      } catch (error) {
        record.failure = `start failed: cannot prepare the volumes of instance ${assignment.id}: ${(error as Error).message}`;
        return;
      }
    }
    try {
      await runtime.start({ id: assignment.id, app: assignment.app, namespace: assignment.namespace, release: assignment.release, slot: assignment.slot, spec, secrets: assignment.secrets, volumes }, this.#abort.signal);
    } catch (error) {
      record.failure = `start failed: ${(error as Error).message}`;
    }
  }

  async #stopInstance(action: Extract<ConvergenceAction, { kind: 'stop' }>, runtime: Runtime | undefined): Promise<void> {
    if (runtime) {
      // The server took the instance out of the catalog when it asked for the stop, but NGINX
      // applies that a reload later: first wait until no new connection goes there, then the
      // drain delay lets requests in flight finish and DNS caches follow.
      if (action.servingAddress !== null) await this.#outOfTraffic(action.id, action.servingAddress);
      if (action.drainMs > 0) await sleep(action.drainMs, this.#abort.signal);
      await runtime.stop(action.id, action.timeoutMs);
    }
    this.#record(action.id).failure = null;
  }

  /** Waits (bounded by the hook) until no load balancer opens new connections to the instance. */
  async #outOfTraffic(id: string, address: string | null): Promise<void> {
    if (!this.#o.outOfTraffic || address === null) return;
    try {
      await this.#o.outOfTraffic({ id, address }, this.#abort.signal);
    } catch (error) {
      this.#o.log(`instance ${id}: cannot tell whether the load balancer still routes to it (${(error as Error).message}); stopping after the drain delay`);
    }
  }

  #runtimeFor(spec: TaskSpec): Runtime | undefined {
    const preference = RUNTIME_PREFERENCE[spec.runtime] ?? [];
    const ofKind = this.#o.runtimes.filter((r) => r.kind === spec.runtime && !this.#unavailable.has(r));
    return [...ofKind].sort((a, b) => rank(preference, a.name) - rank(preference, b.name))[0];
  }

  async #listAll(): Promise<Map<string, { runtime: Runtime; instance: RuntimeInstance }>> {
    const out = new Map<string, { runtime: Runtime; instance: RuntimeInstance }>();
    for (const runtime of this.#o.runtimes) {
      for (const instance of await runtime.list()) out.set(instance.id, { runtime, instance });
    }
    return out;
  }

  /** Sends the states that changed since the last successful report (`planReport`). */
  async #report(): Promise<void> {
    if (!this.hostId) return;
    const running = await this.#listAll();
    const observed = new Map([...running].map(([id, { runtime, instance }]) => [id, { runtime: runtime.name, instance }]));
    const changes = planReport(this.#assignments, observed, this.#records, (id) => this.#health.health(id));
    if (changes.length === 0) return;
    await this.#o.client.call('agentStatus', { body: { host_id: this.hostId, instances: changes } });
    for (const c of changes) {
      const record = this.#record(c.id);
      record.reported = rememberReported(record.reported, c);
    }
  }

  async #every(intervalMs: () => number, fn: () => Promise<void>, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(intervalMs(), signal);
      if (signal.aborted) return;
      await fn().catch((error) => this.#o.log(`${(error as Error).message}`));
    }
  }
}

function rank(preference: readonly string[], name: string): number {
  const i = preference.indexOf(name);
  return i === -1 ? preference.length : i;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
