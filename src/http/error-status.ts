import type { ErrorCode } from '../errors/error-code.js';

/**
 * The one mapping from domain error codes to HTTP statuses; domain errors carry no status. It is
 * exhaustive (a new code does not compile until it is mapped). `internal` means the error must
 * never reach a caller as it is: it names machine details (a command line and its stderr, a
 * registry's answer) or is a client-side code the server should never raise, so it answers 500
 * with the message hidden and logged.
 */
export const ERROR_STATUS: Record<ErrorCode, number | 'internal'> = {
  invalid_request: 400,
  invalid_json: 400,
  bad_url: 400,
  path_too_long: 414,
  headers_too_large: 431,
  invalid_task_file: 422,
  unauthorized: 401,
  forbidden: 403,
  join_token_invalid: 401,
  not_found: 404,
  conflict: 409,
  insufficient_capacity: 409,
  secrets_missing: 409,
  secret_in_use: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  cluster_full: 507,
  invalid_config: 500,
  // A host the request needs (the one holding a volume) cannot be reached now: the message says which and why.
  host_unavailable: 503,
  // A volume operation failed on its host; the agent's message says what (never an argv).
  volume_failed: 502,
  internal: 'internal',
  command_failed: 'internal',
  image_pull_failed: 'internal',
  lb_config_invalid: 'internal',
  guest_kit_unavailable: 'internal',
  // The server's own key file: the operator must see what is wrong with it (the message names no value or key).
  secret_key_invalid: 500,
  network_not_ready: 'internal',
  address_exhausted: 'internal',
  registry_failed: 'internal',
  timeout: 'internal',
  unreachable: 'internal',
  bad_response: 'internal',
  http_error: 'internal',
  usage: 'internal',
  cancelled: 'internal',
  deployment_failed: 'internal',
};
