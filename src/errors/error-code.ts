/**
 * Every machine-readable error code bubo uses, in one union, so that a code is a checked name
 * and `http/error-status.ts` can map each one exhaustively. Add a code here first.
 */
export const ERROR_CODES = [
  // Answers of the HTTP API (the server's own codes, mapped to a status).
  'invalid_request',
  'invalid_json',
  'bad_url',
  'path_too_long',
  'headers_too_large',
  'invalid_task_file',
  'unauthorized',
  'forbidden',
  'join_token_invalid',
  'not_found',
  'conflict',
  'insufficient_capacity',
  'secrets_missing',
  'secret_in_use',
  'payload_too_large',
  'unsupported_media_type',
  'cluster_full',
  'invalid_config',
  'host_unavailable',
  'volume_failed',
  'internal',
  // Failures on a host or in the plumbing: they name machine details (an argv, a registry's
  // answer, a config problem) and are reported as instance messages or events, never as an
  // HTTP answer of the server (one that escapes is a 500 with the message hidden).
  'command_failed',
  'image_pull_failed',
  'lb_config_invalid',
  'guest_kit_unavailable',
  'secret_key_invalid',
  'network_not_ready',
  'address_exhausted',
  'registry_failed',
  // Found by a client (the CLI, the agent's API client) on its own side of the wire.
  'timeout',
  'unreachable',
  'bad_response',
  'http_error',
  'usage',
  'cancelled',
  'deployment_failed',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}
