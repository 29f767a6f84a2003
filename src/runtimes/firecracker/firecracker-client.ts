import { request } from 'node:http';
import type { ApiRequest } from './firecracker-plan.js';

/** Firecracker refused a request; `faultMessage` is its own words (`{"fault_message": …}`). */
export class FirecrackerApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly faultMessage: string,
  ) {
    super(`Firecracker ${method} ${path} failed (HTTP ${status}): ${faultMessage}`);
    this.name = 'FirecrackerApiError';
  }
}

/** The API socket could not be reached or did not answer in time. */
export class FirecrackerConnectionError extends Error {
  constructor(
    readonly socketPath: string,
    message: string,
  ) {
    super(`Firecracker API socket ${socketPath}: ${message}`);
    this.name = 'FirecrackerConnectionError';
  }
}

/**
 * HTTP/1.1 over Firecracker's API Unix socket. `send` resolves with the parsed JSON body (null for
 * 204 No Content) and rejects with `FirecrackerApiError` for any 4xx/5xx, carrying
 * `fault_message`, or `FirecrackerConnectionError` when the socket is not there or too slow.
 */
export class FirecrackerClient {
  constructor(
    readonly socketPath: string,
    private readonly timeoutMs = 5_000,
  ) {}

  send(api: ApiRequest): Promise<unknown> {
    const payload = api.body === undefined ? undefined : JSON.stringify(api.body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: this.socketPath,
          method: api.method,
          path: api.path,
          headers: {
            Accept: 'application/json',
            ...(payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }),
          },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(new FirecrackerConnectionError(this.socketPath, e.message)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            const status = res.statusCode ?? 0;
            const json = parseJson(text);
            if (status >= 200 && status < 300) return resolve(json);
            const fault = (json as { fault_message?: unknown } | null)?.fault_message;
            reject(new FirecrackerApiError(api.method, api.path, status, typeof fault === 'string' ? fault : text || 'no fault_message'));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer to ${api.method} ${api.path} within ${this.timeoutMs} ms`)));
      req.on('error', (e: NodeJS.ErrnoException) => {
        const why = e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? `not listening (${e.code})` : e.message;
        reject(new FirecrackerConnectionError(this.socketPath, why));
      });
      req.end(payload);
    });
  }

  /** Sends the requests one by one, in order; stops at the first failure. */
  async sendAll(requests: readonly ApiRequest[]): Promise<void> {
    for (const api of requests) await this.send(api);
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
