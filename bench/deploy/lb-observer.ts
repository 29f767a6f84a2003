import http from 'node:http';

/** One answer through the load balancer, stamped when it completed (epoch ms, sub-ms precision). */
export interface Sample {
  at: number;
  /** The page's `<h1>v…</h1>`; null for an error or a page without it. */
  version: string | null;
  /** The instance that answered (the test image prints its hostname, which is the instance id). */
  instance: string | null;
}

export interface LbObserver {
  /** Every answer so far, in completion order. */
  readonly samples: readonly Sample[];
  stop(): Promise<void>;
}

/** Epoch milliseconds with sub-millisecond precision, on the same clock as `Date.now()`. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** Reads the busybox httpd test image's page: `<h1>v7</h1>` and `<p>hostname bd-1a2b</p>`. */
export function parsePage(body: string): { version: string | null; instance: string | null } {
  return { version: /<h1>v([^<]*)<\/h1>/.exec(body)?.[1] ?? null, instance: /hostname (\S+?)<\/p>/.exec(body)?.[1] ?? null };
}

/**
 * A few sequential clients asking the load balancer for `/` without pause (each on a new
 * connection, `Connection: close`, so an NGINX reload never shows up as a reset), recording who
 * answered. node:http, because fetch cannot set the Host header the load balancer routes by.
 * The same observer watches bubo and the baseline, so its load on the 2 cores is the same for both.
 */
export function startLbObserver(options: { port: number; host: string; workers?: number; pauseMs?: number }): LbObserver {
  const samples: Sample[] = [];
  let stopped = false;
  const pause = options.pauseMs ?? 5;
  const loop = async () => {
    while (!stopped) {
      const answer = await get(options.port, options.host);
      samples.push({ at: nowMs(), ...answer });
      await new Promise((r) => setTimeout(r, pause));
    }
  };
  const loops = Array.from({ length: options.workers ?? 2 }, loop);
  return {
    samples,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

function get(port: number, host: string): Promise<{ version: string | null; instance: string | null }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers: { host, connection: 'close' }, timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 ? parsePage(body) : { version: null, instance: null }));
      res.on('error', () => resolve({ version: null, instance: null }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ version: null, instance: null }));
  });
}
