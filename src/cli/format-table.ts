import Table from 'cli-table3';
import { escapeTerminal } from './escape-terminal.js';

const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '   ',
};

/**
 * Plain aligned columns with an upper-case header, no borders and no colour, one line per row,
 * so the output reads well in a terminal and stays usable with grep, awk and cut.
 */
export function formatTable(head: string[], rows: (string | number)[][]): string {
  const table = new Table({
    head,
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  // Escaped before measuring: cli-table3 counts an escape sequence as zero columns wide.
  for (const row of rows) table.push(row.map((cell) => escapeTerminal(String(cell).replace(/\s*\n\s*/g, ' '))));
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .join('\n')}\n`;
}
