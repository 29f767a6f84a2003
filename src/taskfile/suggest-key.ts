import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to a misspelt key, or `undefined` when none is close enough to be a
 * plausible typo (at most 2 edits, or a third of the key's length for long keys; a case-only
 * difference always counts). Ties go to the earlier candidate.
 */
export function suggestKey(unknown: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.min(3, Math.floor(unknown.length / 3)));
  // A key far longer than every candidate cannot be within `limit` edits of one; skipping it keeps
  // the cost per key bounded by the candidates' length, not the key's.
  if (candidates.every((candidate) => unknown.length - candidate.length > limit)) return undefined;
  const lower = unknown.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined || bestDistance > limit || bestDistance >= Math.max(unknown.length, 2)) {
    return undefined;
  }
  return best;
}
