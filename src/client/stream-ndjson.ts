import { ErrorBody } from '../api/error-body.js';
import { DomainError } from '../errors/domain-error.js';
import { ApiError } from './api-error.js';
import { describeNetworkError } from './describe-network-error.js';

export interface NdjsonRequest<T> {
  url: URL;
  /** `GET /v1/...`, for messages. */
  what: string;
  /** Who answers, for messages: `bubo server at http://…`. */
  peer: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  /** Ends the stream (quietly: the iteration just stops). */
  signal?: AbortSignal | undefined;
  /** How long the peer may take to start answering; the stream itself has no deadline. */
  timeoutMs: number;
  /** Checks one line; throws on a line that does not fit. */
  parse: (json: unknown) => T;
}

/**
 * A streaming answer (`application/x-ndjson`, one JSON value per line). Resolves once the peer
 * answered: an error answer rejects here (`ApiError`), like `ApiClient.call`. The iteration then
 * yields one parsed line at a time; it ends when the peer ends the stream or `signal` aborts, and
 * a connection lost midway fails it with `unreachable`. Leaving the loop early closes the stream.
 */
export async function streamNdjson<T>(request: NdjsonRequest<T>): Promise<AsyncIterable<T>> {
  const { signal, timeoutMs } = request;
  const connect = new AbortController();
  const timer = setTimeout(() => connect.abort(), timeoutMs);
  const combined = signal ? AbortSignal.any([signal, connect.signal]) : connect.signal;
  let response: Response;
  try {
    response = await request.fetch(request.url, { method: 'GET', headers: request.headers, signal: combined });
  } catch (error) {
    if (signal?.aborted) return (async function* () {})();
    if (connect.signal.aborted) throw new DomainError('timeout', `${request.peer} did not answer ${request.what} within ${timeoutMs} ms`);
    throw new DomainError('unreachable', `cannot reach ${request.peer}: ${describeNetworkError(error)}`);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    const error = ErrorBody.safeParse(parseJson(text));
    if (error.success) throw new ApiError(response.status, error.data.code, error.data.message, error.data.details);
    throw new ApiError(response.status, 'http_error', `${request.peer} answered ${response.status} ${response.statusText} to ${request.what}`);
  }
  return readLines(response, request);
}

async function* readLines<T>(response: Response, request: NdjsonRequest<T>): AsyncGenerator<T> {
  const reader = response.body?.getReader();
  if (!reader) return;
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (request.signal?.aborted) return;
        throw new DomainError('unreachable', `lost the connection to ${request.peer} during ${request.what}: ${describeNetworkError(error)}`);
      }
      buffered += chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      const lines = buffered.split('\n');
      buffered = chunk.done ? '' : (lines.pop() ?? '');
      for (const line of lines) {
        if (line.trim() === '') continue;
        const json = parseJson(line);
        if (json === undefined) throw new DomainError('bad_response', `${request.peer} sent a line that is not JSON during ${request.what}: ${line.slice(0, 200)}`);
        yield request.parse(json);
      }
      if (chunk.done) return;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
