import http from 'node:http';

export interface LoadOptions {
  /** e.g. `http://127.0.0.1:18080/` */
  url: string;
  /** Host header (the load balancer routes by it). */
  host: string;
  /** Requests per second wanted, spread over `workers` sequential clients. */
  rps: number;
  workers?: number;
  /**
   * `close`: every request on a new connection with `Connection: close` (nothing to reset).
   * `keepalive`: reused connections, and like a browser a request that fails on a reused
   * connection before any answer (the server closed it under us, e.g. on an NGINX reload) is
   * retried once; such resets are counted apart, as `keepAliveResets`.
   */
  mode: 'close' | 'keepalive';
  timeoutMs?: number;
}

export interface LoadReport {
  requests: number;
  ok: number;
  /** Non-2xx answers and errors that were not retried (or failed again), with a sample of reasons. */
  failed: number;
  reasons: Record<string, number>;
  /** Every failed request: when it was sent (`Date.now()`) and why it failed, in order of failure. */
  failures: { sentAt: number; reason: string }[];
  keepAliveResets: number;
  /** Count of answers per version seen in bodies (`v1`, `v2`...). */
  versions: Record<string, number>;
  /** Version of each OK answer in order, condensed to changes: `['v1', 'v2']`. */
  versionChanges: string[];
}

export interface RunningLoad {
  report(): LoadReport;
  stop(): Promise<LoadReport>;
}

/**
 * A small load generator for zero-downtime tests and `bench/deploy`: a few hundred requests per
 * second on loopback is what the tests need; wrk cannot tell which version answered each request,
 * and counting failures per client kind (close vs keep-alive with one retry) is the point here.
 */
export function startLoad(options: LoadOptions): RunningLoad {
  const workers = options.workers ?? 8;
  const intervalMs = (1000 * workers) / options.rps;
  const agent = options.mode === 'keepalive' ? new http.Agent({ keepAlive: true, maxSockets: workers }) : undefined;
  const report: LoadReport = { requests: 0, ok: 0, failed: 0, reasons: {}, failures: [], keepAliveResets: 0, versions: {}, versionChanges: [] };
  let stopped = false;
  const fail = (sentAt: number, reason: string) => {
    report.failed++;
    report.failures.push({ sentAt, reason });
    report.reasons[reason] = (report.reasons[reason] ?? 0) + 1;
  };

  async function one(): Promise<void> {
    report.requests++;
    const sentAt = Date.now();
    let answer = await get(options, agent);
    if (answer.kind === 'reset-on-reused') {
      // Like a browser: the server closed a reused connection under us (NGINX does on reload);
      // the idempotent request is sent again once, on a new connection (the pool may hold more
      // connections closed the same way).
      report.keepAliveResets++;
      answer = await get(options, undefined, true);
    }
    if (answer.kind === 'ok') {
      report.ok++;
      const version = /\bv(\d+)\b/.exec(answer.body)?.[0] ?? 'unknown';
      report.versions[version] = (report.versions[version] ?? 0) + 1;
      if (report.versionChanges.at(-1) !== version) report.versionChanges.push(version);
    } else fail(sentAt, answer.kind === 'status' ? `HTTP ${answer.status}` : answer.kind === 'error' ? answer.reason : 'reset after retry');
  }

  const loops = Array.from({ length: workers }, async (_, n) => {
    await sleep((intervalMs / workers) * n);
    while (!stopped) {
      const started = performance.now();
      await one();
      const rest = intervalMs - (performance.now() - started);
      if (rest > 0) await sleep(rest);
    }
  });

  return {
    report: () => structuredClone(report),
    async stop() {
      stopped = true;
      await Promise.all(loops);
      agent?.destroy();
      return structuredClone(report);
    },
  };
}

type Answer = { kind: 'ok'; body: string } | { kind: 'status'; status: number } | { kind: 'error'; reason: string } | { kind: 'reset-on-reused' };

function get(options: LoadOptions, agent: http.Agent | undefined, retry = false): Promise<Answer> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { host: options.host };
    if (!agent && !retry) headers.connection = 'close';
    const req = http.get(options.url, { headers, agent: agent ?? false, timeout: options.timeoutMs ?? 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve(status >= 200 && status < 300 ? { kind: 'ok', body } : { kind: 'status', status });
      });
      res.on('error', (e) => resolve({ kind: 'error', reason: `response: ${(e as NodeJS.ErrnoException).code ?? e.message}` }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => {
      const code = (e as NodeJS.ErrnoException).code ?? e.message;
      // Only a failure before any answer on a reused connection is the keep-alive race.
      if (req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE' || e.message === 'socket hang up')) resolve({ kind: 'reset-on-reused' });
      else resolve({ kind: 'error', reason: code });
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
