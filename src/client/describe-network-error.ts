const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/**
 * Turns what `fetch` throws on a network failure (a TypeError whose `cause` holds the system
 * error, or an AggregateError of them for dual-stack names) into a few plain words.
 */
export function describeNetworkError(error: unknown): string {
  const code = findCode(error, 0);
  if (code !== undefined) return REASONS[code] ?? code;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
}

function findCode(error: unknown, depth: number): string | undefined {
  if (depth > 4 || typeof error !== 'object' || error === null) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && code in REASONS) return code;
  const fromCause = findCode(cause, depth + 1);
  if (fromCause !== undefined) return fromCause;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = findCode(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return typeof code === 'string' ? code : undefined;
}
