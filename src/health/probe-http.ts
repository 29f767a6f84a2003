import { request } from 'node:http';
import type { CheckSpec } from '../domain/task-spec.js';
import type { ProbeResult } from './prober.js';
import { runProbe } from './run-probe.js';

/** How much of a response body an `expect` is looked for in. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * GET `http://<address>:<port><path>` on a fresh connection (`Connection: close`, no agent), so a
 * check never rides on a connection an earlier check left open. Passes on 2xx and 3xx (redirects
 * are not followed) and, with `expect`, when the first 64 KiB of the body contain it.
 */
export function probeHttp(address: string, port: number, check: Pick<CheckSpec, 'path' | 'expect' | 'timeout_ms'>, signal: AbortSignal): Promise<ProbeResult> {
  const host = address.includes(':') ? `[${address}]` : address;
  const path = check.path ?? '/';
  const url = `http://${host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  return runProbe(url, check.timeout_ms, signal, (aborted) => get(url, check.expect, aborted));
}

function get(url: string, expect: string | null, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { connection: 'close', 'user-agent': 'bubo-health-check' }, agent: false, signal }, (res) => {
      const status = res.statusCode ?? 0;
      const passed = status >= 200 && status < 400;
      if (!passed || expect === null) {
        res.destroy();
        resolve({ ok: passed, message: `HTTP ${status} from ${url}` });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        res.destroy();
        const body = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
        if (body.includes(expect)) resolve({ ok: true, message: `HTTP ${status} from ${url}` });
        else resolve({ ok: false, message: `HTTP ${status} from ${url}: body does not contain ${JSON.stringify(expect)}${size >= MAX_BODY_BYTES ? ' (in its first 64 KiB)' : ''}` });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_BODY_BYTES) finish();
      });
      res.on('end', finish);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
