/**
 * The one mapping from domain error codes to HTTP statuses. Domain errors carry no status;
 * anything not listed is a 400 if it is a DomainError and a 500 otherwise.
 */
export const ERROR_STATUS: Record<string, number> = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_task_file: 422,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  insufficient_capacity: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  cluster_full: 507,
  invalid_config: 500,
  internal: 500,
};
