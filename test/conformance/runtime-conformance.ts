import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasExec, hasLogs, type Runtime, type RuntimeInstance, RuntimeStartError, type StartRequest } from '../../src/runtimes/runtime.js';
import type { ConformanceRequest } from './conformance-request.js';

/**
 * The cases every runtime runs, in the order they run. Cases after `start` share one started
 * instance (read-only cases first, `stop-graceful` stops it), so a real runtime boots few times.
 */
export const CONFORMANCE_CASES = [
  'probe',
  'start',
  're-adoption',
  'exec',
  'secrets',
  'logs',
  'two-instances',
  'isolated-files',
  'start-unknown-image',
  'start-bad-entrypoint',
  'start-missing-secret',
  'restart-on-failure',
  'killed-from-outside',
  'stop-graceful',
  'stop',
] as const;
export type ConformanceCase = (typeof CONFORMANCE_CASES)[number];

/** The port the shared instance's busybox httpd listens on, for `reachable`, and what `/` answers. */
export const CONFORMANCE_HTTP_PORT = 8080;
export const CONFORMANCE_HTTP_BODY = 'conformance-http';

/** One runtime under test, built once per suite (in `beforeAll`). */
export interface ConformanceSubject {
  runtime: Runtime;
  /** What `probe` must say on this host: a real runtime that cannot run is a failure, not a pass. */
  probe: 'available' | 'unavailable';
  /** Instances get an address of their own (the start case then requires one, and distinct ones). */
  networked: boolean;
  /** Another runtime object over the same state directory, as after an agent restart. */
  newRuntimeOverSameState?(): Runtime;
  makeRequest(request: ConformanceRequest): StartRequest;
  /** Does the instance's busybox httpd answer CONFORMANCE_HTTP_BODY on CONFORMANCE_HTTP_PORT at its address? */
  reachable?(instance: RuntimeInstance): Promise<boolean>;
  /** Kills the instance's processes from the host, as an operator's `kill -9` or the OOM killer would. */
  killFromOutside?(id: string): Promise<void>;
  /**
   * What the runtime does about an instance killed from outside (restart policy `always`):
   * `restarted` (its supervisor runs the container again) or `exited` (the instance is reported
   * exited, and the agent replaces it).
   */
  afterOutsideKill?: 'exited' | 'restarted';
  /** Removes everything the subject made (bridges, temp dirs...); instances are stopped before. */
  cleanup(): Promise<void>;
}

export interface ConformanceOptions {
  /** Cases this runtime does not run, each with the reason shown in the test output. */
  skip?: Partial<Record<ConformanceCase, string>>;
  /** Skip the whole suite (the runtime cannot run on this host), with the reason. */
  skipAll?: string | null;
  /** Per case; default 60 s. */
  timeoutMs?: number;
  /** For `beforeAll` (building images, a guest kit...); default 300 s. */
  setupTimeoutMs?: number;
  /** Instance id prefix (unique per run, short: runtimes limit id and path lengths). */
  idPrefix?: string;
}

const MARK = {
  boot: 'conformance-boot',
  line: (n: number) => `conformance-line-${n}`,
  term: 'conformance-got-TERM',
  run: 'conformance-run',
};

/** The shared instance's secrets: one as an environment variable, one as a file. */
const SECRETS = {
  refs: [
    { name: 'CONFORMANCE_TOKEN', file: null },
    { name: 'CONFORMANCE_FILE', file: '/run/conformance/secret' },
  ],
  values: { CONFORMANCE_TOKEN: "conformance-token 'quoted' $x", CONFORMANCE_FILE: 'conformance-file\nsecond line\n' },
};

/**
 * The main container of the shared instance: starts an httpd in the background, prints a boot
 * line and five numbered lines, then waits; on SIGTERM it prints a marker and exits 0 a second
 * later (the second leaves a log follower time to read the marker before the files go).
 */
const WAITING_COMMAND = [
  '/bin/sh',
  '-c',
  [
    `mkdir -p /tmp/www && echo ${CONFORMANCE_HTTP_BODY} > /tmp/www/index.html`,
    `httpd -p ${CONFORMANCE_HTTP_PORT} -h /tmp/www >/dev/null 2>&1`,
    `echo ${MARK.boot}`,
    `for i in 1 2 3 4 5; do echo conformance-line-$i; done`,
    `trap 'echo ${MARK.term}; sleep 1; exit 0' TERM`,
    'while :; do sleep 0.2; done',
  ].join('\n'),
];

/**
 * Registers the runtime conformance suite: the same cases for every runtime, each skipped case
 * listed with its reason (`it.skip` titled with the reason, and a table printed before the run).
 */
export function describeRuntimeConformance(name: string, factory: () => Promise<ConformanceSubject>, options: ConformanceOptions = {}): void {
  const skip = options.skip ?? {};
  const timeout = options.timeoutMs ?? 60_000;
  const prefix = options.idPrefix ?? `cf${process.pid.toString(36)}`;
  const title = `runtime conformance: ${name}`;

  if (options.skipAll) {
    describe(title, () => {
      it.skip(`every case — skipped: ${options.skipAll}`, () => {});
    });
    return;
  }

  describe(title, () => {
    let subject: ConformanceSubject;
    const started = new Set<string>();
    let sharedStart: Promise<RuntimeInstance> | null = null;
    let sharedStopped = false;
    const id = (what: string) => `${prefix}-${what}`;
    const rt = () => subject.runtime;

    async function start(request: StartRequest): Promise<RuntimeInstance> {
      started.add(request.id);
      return rt().start(request);
    }
    /** The instance the read-only cases share, started once. */
    function shared(): Promise<RuntimeInstance> {
      sharedStart ??= start(subject.makeRequest({ id: id('main'), containers: [{ command: WAITING_COMMAND, secrets: SECRETS.refs }], secrets: SECRETS.values }));
      return sharedStart;
    }
    /** Polls `check` (running `supervise` first, as the agent does every second) until it is truthy. */
    async function eventually<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      let last: unknown = null;
      for (;;) {
        await rt().supervise?.();
        try {
          const value = await check();
          if (value) return value;
          last = value;
        } catch (error) {
          last = error;
        }
        if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${last instanceof Error ? last.message : String(last)})`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    /** Every line the instance's `main` container wrote so far (needs LogSource). */
    async function mainLines(instanceId: string, tailLines?: number): Promise<string[]> {
      const runtime = rt();
      if (!hasLogs(runtime)) throw new Error(`${name} has no LogSource (logs): add the case to skip with a reason`);
      const lines: string[] = [];
      const options = { follow: false, signal: AbortSignal.timeout(10_000), ...(tailLines === undefined ? {} : { tailLines }) };
      for await (const line of runtime.logs(instanceId, options)) if (line.container === 'main') lines.push(line.line.trimEnd());
      return lines;
    }
    function exec(instanceId: string, argv: string[]) {
      const runtime = rt();
      if (!hasExec(runtime)) throw new Error(`${name} has no Exec (exec): add the case to skip with a reason`);
      return runtime.exec(instanceId, null, argv, 20_000);
    }
    async function expectGone(instanceId: string): Promise<void> {
      expect(await rt().inspect(instanceId)).toBeNull();
      expect((await rt().list()).map((i) => i.id)).not.toContain(instanceId);
    }
    async function expectStartError(request: StartRequest, naming: string): Promise<void> {
      const error = await start(request).then(
        (instance) => new Error(`start succeeded: ${JSON.stringify(instance)}`),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RuntimeStartError);
      expect((error as Error).message).toContain(naming);
      await expectGone(request.id);
    }
    const caseTest = (name: ConformanceCase, body: () => Promise<void>) => {
      const reason = skip[name];
      if (reason) it.skip(`${name} — skipped: ${reason}`, body);
      else it(name, body, timeout);
    };

    beforeAll(async () => {
      const skipped = CONFORMANCE_CASES.filter((c) => skip[c]);
      const table = skipped.map((c) => `  ${c.padEnd(22)} ${skip[c]}`).join('\n');
      console.info(`${title}: ${CONFORMANCE_CASES.length - skipped.length} cases run, ${skipped.length} skipped${skipped.length ? `:\n${table}` : ''}`);
      subject = await factory();
    }, options.setupTimeoutMs ?? 300_000);

    afterAll(async () => {
      if (!subject) return;
      for (const instanceId of started) await rt().stop(instanceId, 0).catch(() => {});
      await (rt() as Runtime & { close?: () => Promise<void> }).close?.();
      await subject.cleanup();
    }, options.setupTimeoutMs ?? 300_000);

    caseTest('probe', async () => {
      const probe = await rt().probe();
      expect(probe).toMatchObject({ name: rt().name, kind: rt().kind });
      if (subject.probe === 'available') {
        expect(probe, `probe said: ${probe.reason}`).toMatchObject({ available: true });
        expect(probe.reason ?? '').toBe('');
      } else {
        expect(probe.available).toBe(false);
        expect(probe.reason?.trim().length ?? 0, 'an unavailable runtime says why').toBeGreaterThan(10);
      }
    });

    caseTest('start', async () => {
      const instance = await shared();
      expect(instance).toMatchObject({ id: id('main'), state: 'running', exitCode: null });
      if (subject.networked) expect(instance.address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const inspected = await rt().inspect(instance.id);
      expect(inspected).toMatchObject({ id: instance.id, state: 'running', address: instance.address, startedAt: instance.startedAt });
      expect((await rt().list()).find((i) => i.id === instance.id)).toMatchObject({ state: 'running', address: instance.address });
      if (subject.reachable) await eventually(`${instance.address}:${CONFORMANCE_HTTP_PORT} reachable`, () => subject.reachable!(instance), 20_000);
    });

    caseTest('re-adoption', async () => {
      if (!subject.newRuntimeOverSameState) throw new Error(`${name} has no newRuntimeOverSameState: add re-adoption to skip with a reason`);
      const instance = await shared();
      const again = subject.newRuntimeOverSameState();
      try {
        const adopted = (await again.list()).find((i) => i.id === instance.id);
        expect(adopted).toMatchObject({ state: 'running', address: instance.address, startedAt: instance.startedAt, exitCode: null });
        expect(await again.inspect(instance.id)).toEqual(adopted);
      } finally {
        await (again as Runtime & { close?: () => Promise<void> }).close?.();
      }
      // The original object still sees it as it was: adopting disturbed nothing.
      expect(await rt().inspect(instance.id)).toMatchObject({ state: 'running', startedAt: instance.startedAt });
    });

    caseTest('exec', async () => {
      const instance = await shared();
      expect(await exec(instance.id, ['sh', '-c', 'echo conformance-exec $((6 * 7))'])).toEqual({ exitCode: 0, output: 'conformance-exec 42\n' });
      const failing = await exec(instance.id, ['sh', '-c', 'echo conformance-failing; exit 3']);
      expect(failing.exitCode).toBe(3);
      expect(failing.output).toContain('conformance-failing');
    });

    caseTest('secrets', async () => {
      const instance = await shared();
      const file = '/run/conformance/secret';
      const script = `printf '%s|%s|' "$CONFORMANCE_TOKEN" "\${CONFORMANCE_FILE-unset}"; cat ${file}; stat -c %a ${file}; (echo x >> ${file}) 2>/dev/null || echo refused; cat ${file}`;
      const shown = await exec(instance.id, ['sh', '-c', script]);
      expect(shown).toEqual({ exitCode: 0, output: `${SECRETS.values.CONFORMANCE_TOKEN}|unset|${SECRETS.values.CONFORMANCE_FILE}400\nrefused\n${SECRETS.values.CONFORMANCE_FILE}` });
    });

    caseTest('logs', async () => {
      const instance = await shared();
      const all = await eventually('the five numbered lines in logs', async () => {
        const lines = await mainLines(instance.id);
        return lines.includes(MARK.line(5)) && lines;
      });
      expect(all.filter((l) => l.startsWith('conformance-'))).toEqual([MARK.boot, ...[1, 2, 3, 4, 5].map(MARK.line)]);
      expect(await mainLines(instance.id, 2)).toEqual([MARK.line(4), MARK.line(5)]);
    });

    /** A second instance running at the same time as the shared one. */
    let otherStart: Promise<RuntimeInstance> | null = null;
    const other = () => {
      otherStart ??= start(subject.makeRequest({ id: id('other'), containers: [{ command: WAITING_COMMAND }] }));
      return otherStart;
    };

    caseTest('two-instances', async () => {
      const first = await shared();
      const second = await other();
      expect(second.state).toBe('running');
      if (subject.networked) {
        expect(second.address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        expect(second.address).not.toBe(first.address);
      }
      if (subject.reachable) {
        for (const instance of [first, second]) await eventually(`${instance.address} reachable`, () => subject.reachable!(instance), 20_000);
      }
      expect((await rt().list()).filter((i) => i.id === first.id || i.id === second.id).map((i) => i.state)).toEqual(['running', 'running']);
    });

    caseTest('isolated-files', async () => {
      const first = await shared();
      const second = await other();
      // Written in the first; the write must be visible there (so the check can fail) and not in the second.
      const write = await exec(first.id, ['sh', '-c', `echo ${first.id} > /tmp/conformance-owner && cat /tmp/conformance-owner`]);
      expect(write).toEqual({ exitCode: 0, output: `${first.id}\n` });
      const read = await exec(second.id, ['sh', '-c', 'cat /tmp/conformance-owner 2>/dev/null; echo conformance-read-done']);
      expect(read.output).toContain('conformance-read-done');
      expect(read.output).not.toContain(first.id);
    });

    caseTest('start-unknown-image', async () => {
      const request = subject.makeRequest({ id: id('noimage'), containers: [{ command: ['/bin/sh', '-c', 'sleep 1000'], image: 'missing' }] });
      await expectStartError(request, request.spec.containers[0]!.image);
    });

    caseTest('start-bad-entrypoint', async () => {
      await expectStartError(subject.makeRequest({ id: id('noentry'), containers: [{ command: ['/conformance-missing-entrypoint'] }] }), '/conformance-missing-entrypoint');
    });

    caseTest('start-missing-secret', async () => {
      const request = subject.makeRequest({
        id: id('nosecret'),
        containers: [{ command: ['/bin/sh', '-c', 'sleep 1000'], secrets: SECRETS.refs }],
        secrets: { CONFORMANCE_TOKEN: 'conformance-present-value' },
      });
      const error = await start(request).then(
        (instance) => new Error(`start succeeded: ${JSON.stringify(instance)}`),
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(RuntimeStartError);
      expect(error.message).toContain('container "main": secret CONFORMANCE_FILE has no value');
      expect(error.message).not.toContain('conformance-present-value');
      await expectGone(request.id);
    });

    caseTest('restart-on-failure', async () => {
      const instanceId = id('fails');
      await start(subject.makeRequest({ id: instanceId, containers: [{ command: ['/bin/sh', '-c', `echo ${MARK.run}; sleep 0.3; exit 1`], restart: 'on-failure' }] }));
      await eventually('a second run after exit 1', async () => (await mainLines(instanceId)).filter((l) => l === MARK.run).length >= 2);
      expect((await rt().inspect(instanceId))?.state).toBe('running');
      await rt().stop(instanceId, 0);
      await expectGone(instanceId);
    });

    caseTest('killed-from-outside', async () => {
      if (!subject.killFromOutside || !subject.afterOutsideKill) throw new Error(`${name} has no killFromOutside/afterOutsideKill: add the case to skip with a reason`);
      const instanceId = id('killed');
      await start(subject.makeRequest({ id: instanceId, containers: [{ command: WAITING_COMMAND, restart: 'always' }] }));
      const bootsIn = async () => (await mainLines(instanceId)).filter((l) => l === MARK.boot).length;
      // Output proves the container ran (and, below, that it ran again), where the runtime has real logs.
      const readable = hasLogs(rt()) && !skip.logs;
      if (readable) await eventually('the boot line', async () => (await bootsIn()) === 1);
      await subject.killFromOutside(instanceId);
      if (subject.afterOutsideKill === 'exited') {
        const exited = await eventually('inspect to say exited', async () => {
          const view = await rt().inspect(instanceId);
          return view?.state === 'exited' && view;
        });
        expect(exited.message.length, 'an exited instance says why').toBeGreaterThan(0);
        expect(exited.exitCode).not.toBe(0);
        expect((await rt().list()).find((i) => i.id === instanceId)?.state).toBe('exited');
      } else {
        if (!readable) throw new Error(`${name}: afterOutsideKill 'restarted' is proven through logs, which this runtime lacks`);
        await eventually('a second boot line (restarted)', async () => (await bootsIn()) >= 2);
        expect((await rt().inspect(instanceId))?.state).toBe('running');
      }
      await rt().stop(instanceId, 0);
      await expectGone(instanceId);
    });

    caseTest('stop-graceful', async () => {
      const instance = await shared();
      const runtime = rt();
      if (!hasLogs(runtime)) throw new Error(`${name} has no LogSource: the SIGTERM marker cannot be read; add stop-graceful to skip with a reason`);
      // Follow the output through the stop: the files may be gone once stop returns.
      const seen: string[] = [];
      const following = new AbortController();
      const follower = (async () => {
        for await (const line of runtime.logs(instance.id, { follow: true, signal: following.signal })) seen.push(line.line.trimEnd());
      })().catch(() => {});
      try {
        await eventually('the follower to see the history', async () => seen.includes(MARK.line(5)), 10_000);
        const before = Date.now();
        await runtime.stop(instance.id, 10_000);
        sharedStopped = true;
        // Well under the 10 s: the container stopped on SIGTERM, it was not killed at the deadline.
        expect(Date.now() - before).toBeLessThan(9_000);
      } finally {
        following.abort();
        await follower;
      }
      expect(seen).toContain(MARK.term);
      await expectGone(instance.id);
    });

    caseTest('stop', async () => {
      const instance = await shared();
      if (!sharedStopped) {
        await rt().stop(instance.id, 5_000);
        sharedStopped = true;
      }
      if (otherStart) {
        await rt().stop((await otherStart).id, 0);
        await expectGone((await otherStart).id);
      }
      await expectGone(instance.id);
      await rt().stop(instance.id, 5_000); // idempotent
      await rt().stop(id('never-started'), 5_000); // unknown id: no-op
      await expectGone(instance.id);
      await expectGone(id('never-started'));
    });
  });
}
