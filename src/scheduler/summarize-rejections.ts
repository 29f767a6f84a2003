import type { RejectedHost } from './placement-plan.js';

/**
 * `0/3 hosts fit: 2 out of memory, 1 no microvm runtime`: reasons grouped by check, most common
 * first (ties by label, so the text is stable).
 */
export function summarizeRejections(totalHosts: number, rejections: readonly RejectedHost[]): string {
  const fit = totalHosts - rejections.length;
  const head = `${fit}/${totalHosts} hosts fit`;
  if (totalHosts === 0) return `${head}: no hosts registered`;
  if (rejections.length === 0) return head;
  const counts = new Map<string, number>();
  for (const r of rejections) counts.set(r.check, (counts.get(r.check) ?? 0) + 1);
  const parts = [...counts]
    .sort(([a, na], [b, nb]) => nb - na || (a < b ? -1 : a > b ? 1 : 0))
    .map(([check, n]) => `${n} ${check}`);
  return `${head}: ${parts.join(', ')}`;
}
