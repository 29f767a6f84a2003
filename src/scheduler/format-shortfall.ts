import type { ShortfallRow } from './placement-plan.js';

/**
 * A plain-text table for error messages and the CLI, e.g.
 *
 *   resource  requested  free      missing
 *   memory    1536 MiB   1024 MiB  512 MiB
 *
 * The fragmentation note explains the confusing case where enough is free in total but no single
 * host has room for one more instance.
 */
export function formatShortfall(rows: readonly ShortfallRow[]): string {
  if (rows.length === 0) return '';
  const unit = (row: ShortfallRow, n: number) => (row.resource === 'cpu' ? `${n} ${n === 1 ? 'cpu' : 'cpus'}` : `${n} MiB`);
  const table = [
    ['resource', 'requested', 'free', 'missing'],
    ...rows.map((r) => [r.resource, unit(r, r.requested), unit(r, r.free), unit(r, r.missing)]),
  ];
  const widths = table[0]!.map((_, col) => Math.max(...table.map((line) => line[col]!.length)));
  const lines = table.map((line) => line.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd());
  if (rows.every((r) => r.missing === 0)) {
    lines.push('enough is free in total, but no single host has room for one more instance');
  }
  return lines.join('\n');
}
