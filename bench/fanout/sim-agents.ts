import { Agent, request } from 'node:http';

// node --import tsx bench/fanout/sim-agents.ts   (started by run.ts, over IPC)
// Simulates `count` bubo agents in one process, each making the calls the real agent makes
// (src/agent/agent.ts, src/dns/catalog-follower.ts): register, heartbeat at the interval the
// server asks for, long-poll its assignments and the catalog (wait_ms 30 s, the index of the
// last answer), and report an assigned instance running (with an address) as the agent does
// once it started it. No runtime: what is measured is the server's side of the fan-out.

export interface StartMessage {
  type: 'start';
  url: string;
  token: string;
  prefix: string;
  count: number;
  /** The first `catalogPollers` of them also long-poll the catalog (the rest do not: descriptor limit). */
  catalogPollers: number;
  /** The app the bench deploys and how many instances it has: a catalog "has the deploy" once it lists them all. */
  app: string;
  instances: number;
}
/** Asks a worker for the latency samples taken since the last flush (it answers `samples`). */
export interface FlushMessage {
  type: 'flush';
}
/** Milliseconds, per call kind, since the last flush. */
export interface LatencySamples {
  register: number[];
  heartbeat: number[];
  /** A long-poll answered without waiting: each agent's first catalog poll (index 0; a new host's assignments index is 0 too, so that poll waits). */
  firstPoll: number[];
  /** A long-poll that timed out (nothing changed): how long past its `wait_ms` the answer came. */
  pollLate: number[];
}
export type WorkerMessage =
  | { type: 'registered'; hosts: number }
  | ({ type: 'samples' } & LatencySamples)
  | { type: 'assigned'; host: string; at: number }
  | { type: 'catalog'; agents: number; last: number }
  | { type: 'errors'; count: number; sample: string };

const WAIT_MS = 30_000;
// Every simulated agent keeps its connections, as real agents (one process each) do: with the
// default pool (256 free sockets at most) the extra ones were closed and reopened all the time.
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: Number.POSITIVE_INFINITY });
let base: URL;
let auth: string;
let errors = 0;
let lastError = '';
let samples: LatencySamples = { register: [], heartbeat: [], firstPoll: [], pollLate: [] };

/** `call`, timed into `into`. */
async function timed<T>(into: keyof LatencySamples, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await run();
  samples[into].push(performance.now() - t0);
  return result;
}

/** A long-poll, its time recorded as a first answer (index 0) or as lateness past `wait_ms` when nothing changed. */
async function poll<T extends { index: number }>(path: string, index: number): Promise<T> {
  const t0 = performance.now();
  const answer = await call<T>('GET', path);
  const took = performance.now() - t0;
  if (answer.index === index) samples.pollLate.push(Math.max(0, took - WAIT_MS));
  else if (index === 0) samples.firstPoll.push(took);
  return answer;
}

function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { authorization: auth, accept: 'application/json' };
    if (text !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    const req = request(new URL(path, base), { method, headers, agent, ...(signal ? { signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString();
        if ((res.statusCode ?? 500) >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${raw.slice(0, 200)}`));
        else resolve(JSON.parse(raw) as T);
      });
      res.on('error', reject);
    });
    req.setTimeout(WAIT_MS + 10_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(text);
  });
}

function failed(error: unknown): void {
  errors++;
  lastError = (error as Error).message;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function simulate(o: StartMessage, n: number, onCatalog: () => void): Promise<void> {
  const name = `${o.prefix}-${n}`;
  const body = {
    name,
    group: 'fanout',
    address: `192.0.2.${n % 250}`,
    capacity: { cpus: 4, memory_mib: 8192, disk_mib: 100_000 },
    runtimes: [{ name: 'runc', kind: 'container', available: true }],
  };
  // Retried like the real agent does (same name: a retry re-registers the same host).
  let registered: { host_id: string; heartbeat_interval_ms: number } | undefined;
  while (!registered) {
    registered = await timed('register', () => call<{ host_id: string; heartbeat_interval_ms: number }>('POST', '/v1/agent/register', body)).catch((error) => {
      failed(error);
      return sleep(1_000).then(() => undefined);
    });
  }
  const hostId = registered.host_id;
  const every = registered.heartbeat_interval_ms;
  void (async () => {
    await sleep(Math.random() * every);
    for (;;) {
      await timed('heartbeat', () => call('POST', '/v1/agent/heartbeat', { host_id: hostId })).catch(failed);
      await sleep(every);
    }
  })();
  void (async () => {
    let index = 0;
    let reported = false;
    for (;;) {
      try {
        const answer = await poll<{ index: number; instances: { id: string }[] }>(`/v1/agent/assignments?host_id=${hostId}&index=${index}&wait_ms=${WAIT_MS}`, index);
        index = answer.index;
        if (answer.instances.length > 0 && !reported) {
          reported = true;
          process.send?.({ type: 'assigned', host: name, at: Date.now() } satisfies WorkerMessage);
          await call('POST', '/v1/agent/status', {
            host_id: hostId,
            instances: answer.instances.map((i, k) => ({ id: i.id, state: 'running', address: `10.200.${n % 250}.${k + 2}`, health: 'none' })),
          });
        }
      } catch (error) {
        failed(error);
        await sleep(250);
      }
    }
  })();
  if (n >= o.catalogPollers) return;
  void (async () => {
    let index = 0;
    // Like the agent: after its first answer it says which host list it holds, so the list
    // (one entry per host) comes only when it changed, and then as the changes since that list.
    let peers: number | undefined;
    let done = false;
    for (;;) {
      try {
        const held = peers === undefined ? '' : `&peers=${peers}&peers_delta=1`;
        const answer = await poll<{
          index: number;
          peers_index?: number;
          hosts?: { name: string }[];
          hosts_since?: number;
          hosts_changed?: { name: string }[];
          hosts_removed?: string[];
          services: { app: string; instances: unknown[] }[];
        }>(`/v1/agent/catalog?index=${index}&wait_ms=${WAIT_MS}${held}`, index);
        index = answer.index;
        // The list itself is not kept: 10,000 simulated agents holding 10,000 hosts each ran a
        // worker out of memory. Which list it would hold is what the server needs to know.
        if (answer.hosts || (answer.hosts_since !== undefined && answer.hosts_since === peers)) peers = answer.peers_index;
        const listed = answer.services.find((s) => s.app === o.app)?.instances.length ?? 0;
        if (!done && listed >= o.instances) {
          done = true;
          onCatalog();
        }
      } catch (error) {
        failed(error);
        await sleep(250);
      }
    }
  })();
}

process.on('message', (message: StartMessage | FlushMessage) => {
  if (message.type === 'flush') {
    process.send?.({ type: 'samples', ...samples } satisfies WorkerMessage);
    samples = { register: [], heartbeat: [], firstPoll: [], pollLate: [] };
  } else void start(message);
});

async function start(message: StartMessage): Promise<void> {
  base = new URL(message.url);
  auth = `Bearer ${message.token}`;
  // Registration is setup, not the measurement: a bounded number at a time.
  let next = 0;
  let withCatalog = 0;
  let last = 0;
  const onCatalog = () => {
    withCatalog++;
    last = Date.now();
  };
  // Progress in steps (the runner sums them), so a slow registration shows where it slows.
  let done = 0;
  let sent = 0;
  const progress = setInterval(() => {
    if (done > sent) process.send?.({ type: 'registered', hosts: done - sent } satisfies WorkerMessage);
    sent = done;
  }, 500);
  const lanes = Array.from({ length: 4 }, async () => {
    while (next < message.count) {
      const n = next++;
      await simulate(message, n, onCatalog);
      done++;
    }
  });
  await Promise.all(lanes);
  clearInterval(progress);
  if (done > sent) process.send?.({ type: 'registered', hosts: done - sent } satisfies WorkerMessage);
  setInterval(() => {
    process.send?.({ type: 'catalog', agents: withCatalog, last } satisfies WorkerMessage);
    process.send?.({ type: 'errors', count: errors, sample: lastError } satisfies WorkerMessage);
  }, 200);
}
