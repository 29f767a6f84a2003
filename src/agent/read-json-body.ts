import type { IncomingMessage } from 'node:http';
import { DomainError } from '../errors/domain-error.js';

/** What the agent's small JSON routes (volumes, maintenance) accept: their bodies are a few fields. */
export const JSON_BODY_LIMIT = 64 * 1024;

/**
 * The request's body as a JSON object (an empty body is `{}`).
 * @throws {DomainError} `invalid_request` when it is over `limit` bytes or not a JSON object.
 */
export async function readJsonBody(req: IncomingMessage, limit = JSON_BODY_LIMIT): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new DomainError('invalid_request', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const json: unknown = text === '' ? {} : JSON.parse(text);
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch {
    // not JSON: refused below like any other non-object
  }
  throw new DomainError('invalid_request', 'the body must be a JSON object');
}
