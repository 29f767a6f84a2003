const MS_PER_UNIT: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/**
 * Parses a duration such as `"500ms"`, `"5s"`, `"2m"`, `"1h"` or `"1m30s"` into whole milliseconds
 * (rounded up). Zero (`"0s"`) is accepted; whether zero makes sense is the caller's business.
 *
 * @throws {Error} with a message that shows the accepted forms, e.g. `"10" has no unit; write "10s"`.
 */
export function parseDurationMs(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) {
    throw new Error(`duration "${text}" has no unit; write "${trimmed}s"`);
  }
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const match = PART.exec(trimmed);
    if (match === null) break;
    const [, amount = '', unit = ''] = match;
    total += Number(amount) * (MS_PER_UNIT[unit] ?? Number.NaN);
  }
  if (trimmed === '' || PART.lastIndex !== trimmed.length) {
    PART.lastIndex = 0;
    throw new Error(`"${text}" is not a duration; write e.g. "500ms", "5s", "2m", "1h" or "1m30s"`);
  }
  PART.lastIndex = 0;
  if (!Number.isFinite(total) || total > Number.MAX_SAFE_INTEGER) {
    throw new Error(`duration "${text}" is too long`);
  }
  return Math.ceil(Math.round(total * 1e6) / 1e6);
}
