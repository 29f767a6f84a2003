import type { z } from 'zod';
import { InvalidRequestError } from '../errors/invalid-request-error.js';

/** Parses one part of a request with its zod schema, naming every offending field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, part: 'path' | 'query' | 'body'): z.output<S> {
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    path: [part, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const list = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  throw new InvalidRequestError(`invalid request ${part}: ${list}`, problems);
}
