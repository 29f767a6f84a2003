import type { z } from 'zod';
import { ErrorBody } from '../api/error-body.js';
import { type RouteDef, type RouteName, routes } from '../api/routes.js';
import { DomainError } from '../errors/domain-error.js';
import { ApiError } from './api-error.js';
import { describeNetworkError } from './describe-network-error.js';
import { streamNdjson } from './stream-ndjson.js';
import { type TlsOptions, tlsFetch } from './tls-fetch.js';

type Routes = typeof routes;
type Part = 'params' | 'query' | 'body';

/** A route's params/query/body as the caller writes them: required unless every field is optional. */
type Field<R, K extends Part> = R extends { readonly [P in K]: infer S extends z.ZodType }
  ? Partial<z.input<S>> extends z.input<S>
    ? { [P in K]?: z.input<S> }
    : { [P in K]: z.input<S> }
  : { [P in K]?: undefined };

export interface CallOptions {
  /** Cancels the request; the call then rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call (long-polls pass more than they wait). */
  timeoutMs?: number;
}

export type CallInput<N extends RouteName> = Field<Routes[N], 'params'> & Field<Routes[N], 'query'> & Field<Routes[N], 'body'> & CallOptions;
export type CallOutput<N extends RouteName> = z.output<Routes[N]['response']>;
type CallArgs<N extends RouteName> = Partial<CallInput<N>> extends CallInput<N> ? [input?: CallInput<N>] : [input: CallInput<N>];

export interface ApiClientOptions {
  /** e.g. `http://127.0.0.1:7070`; a path prefix is kept. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`; omitted when null or empty. */
  token?: string | null;
  /** Defaults to the global `fetch`; tests pass a fake. */
  fetch?: typeof fetch;
  /** Per-call timeout in milliseconds; default 30 000. */
  timeoutMs?: number;
  /**
   * For an `https://` server with the cluster CA: the CA to trust (instead of the system's) and,
   * for a host, its client certificate and key. Ignored when `fetch` is given.
   */
  tls?: TlsOptions;
}

/**
 * The one typed client of the bubo HTTP API, derived from `api/routes.ts`: `call(name, input)`
 * fills the route's path, query and body, and returns its response parsed by the route's zod
 * schema. Every failure is a `DomainError`: `ApiError` (with `status`) for an error answer,
 * `unreachable`, `timeout` or `bad_response` otherwise. The CLI and the web UI use only this.
 */
export class ApiClient {
  readonly baseUrl: string;
  readonly #token: string | null;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token ? options.token : null;
    this.#fetch = options.fetch ?? (options.tls ? tlsFetch(options.tls) : globalThis.fetch);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  async call<N extends RouteName>(name: N, ...[input]: CallArgs<N>): Promise<CallOutput<N>> {
    const route: RouteDef = routes[name];
    const { params, query, body, signal, timeoutMs = this.#timeoutMs } = ((input as unknown) ?? {}) as CallOptions & {
      params?: Record<string, unknown>;
      query?: Record<string, unknown>;
      body?: unknown;
    };
    const what = `${route.method} ${route.path}`;
    const url = this.#url(name, route, params, query);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers['authorization'] = `Bearer ${this.#token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';

    // A plain timer, not AbortSignal.timeout: inside AbortSignal.any a timeout signal is held
    // weakly and can be collected before it fires (Node 20), and the call would never time out.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    const failed = (error: unknown): Error => {
      if (signal?.aborted) return signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
      if (timeout.signal.aborted) {
        return new DomainError('timeout', `bubo server at ${this.baseUrl} did not answer ${what} within ${formatMs(timeoutMs)}`);
      }
      return new DomainError(
        'unreachable',
        `cannot reach bubo server at ${this.baseUrl}: ${describeNetworkError(error)}; is "bubo server" running? set BUBO_ADDR`,
      );
    };

    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        method: route.method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: combined,
      });
      text = await response.text();
    } catch (error) {
      throw failed(error);
    } finally {
      clearTimeout(timer);
    }

    const json = parseJson(text);
    if (!response.ok) {
      const error = ErrorBody.safeParse(json);
      if (error.success) throw new ApiError(response.status, error.data.code, error.data.message, error.data.details);
      throw new ApiError(
        response.status,
        'http_error',
        `bubo server at ${this.baseUrl} answered ${response.status} ${response.statusText} to ${what}${snippet(text)}`,
      );
    }
    const parsed = route.response.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      throw new DomainError(
        'bad_response',
        `unexpected answer from bubo server at ${this.baseUrl} to ${what}: ${problems.join('; ')}; are the CLI and the server the same version?`,
        { problems },
      );
    }
    return parsed.data as CallOutput<N>;
  }

  /** A streaming route (`stream: true`, NDJSON): resolves once the server answered, then yields each line parsed. */
  stream<N extends RouteName>(name: N, ...[input]: CallArgs<N>): Promise<AsyncIterable<CallOutput<N>>> {
    const route: RouteDef = routes[name];
    const { params, query, signal, timeoutMs = this.#timeoutMs } = ((input as unknown) ?? {}) as CallOptions & { params?: Record<string, unknown>; query?: Record<string, unknown> };
    const headers: Record<string, string> = { accept: 'application/x-ndjson' };
    if (this.#token) headers['authorization'] = `Bearer ${this.#token}`;
    const what = `${route.method} ${route.path}`;
    const parse = (json: unknown) => {
      const parsed = route.response.safeParse(json);
      if (parsed.success) return parsed.data as CallOutput<N>;
      throw new DomainError('bad_response', `unexpected line from bubo server at ${this.baseUrl} in ${what}: ${parsed.error.issues[0]?.message}; are the CLI and the server the same version?`);
    };
    return streamNdjson({ url: this.#url(name, route, params, query), what, peer: `bubo server at ${this.baseUrl}`, headers, fetch: this.#fetch, signal, timeoutMs, parse });
  }

  #url(name: string, route: RouteDef, params?: Record<string, unknown>, query?: Record<string, unknown>): URL {
    const path = route.path.replace(/:([A-Za-z_]+)/g, (_, key: string) => {
      const value = params?.[key];
      if (value === undefined || value === null || value === '') {
        throw new DomainError('invalid_request', `${name}: missing path parameter "${key}"`);
      }
      return encodeURIComponent(String(value));
    });
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item));
    }
    return url;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function snippet(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line ? `: ${line.slice(0, 200)}` : '';
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
