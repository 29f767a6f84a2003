import type { ErrorBody } from '../api/error-body.js';
import { DomainError } from '../errors/domain-error.js';
import type { ErrorCode } from '../errors/error-code.js';
import { ERROR_STATUS } from './error-status.js';

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
}

/**
 * Turns anything thrown while serving a request into `{status, body}`. Unknown errors become a
 * 500 whose message hides internals (they are logged instead): never a stack trace on the wire.
 */
export function errorToResponse(error: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (error instanceof DomainError) {
    const status = ERROR_STATUS[error.code];
    if (status !== 'internal') return { status, body: { code: error.code, message: error.message, details: error.details }, internal: false };
  } else {
    const fromFramework = frameworkError(error as FastifyLikeError);
    if (fromFramework) return fromFramework;
  }
  return { status: 500, body: { code: 'internal', message: 'internal error; see the server log', details: null }, internal: true };
}

/** Fastify's own errors (body parsing, limits) in our `{code, message, details}` shape. */
function frameworkError(e: FastifyLikeError | undefined) {
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return client(413, 'payload_too_large', 'request body is too large (limit 1 MiB)');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return client(415, 'unsupported_media_type', 'send the body as application/json');
    case 'FST_ERR_BAD_URL':
      return client(400, 'bad_url', 'the request path is not valid percent-encoding');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return client(400, 'invalid_json', 'the body is empty but Content-Type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case undefined:
      if (e instanceof SyntaxError || e?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        return client(400, 'invalid_json', `the body is not valid JSON: ${e.message}`);
      }
  }
  if (e?.statusCode === 414) {
    // Fastify's own message repeats the whole path: no use to the caller, and unbounded.
    return client(414, 'path_too_long', 'the request path or one of its parameters is too long');
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return client(e.statusCode, 'invalid_request', e.message);
  }
  return null;
}

function client(status: number, code: ErrorCode, message: string) {
  return { status, body: { code, message, details: null }, internal: false };
}
