/** MiB per unit. All units are binary: `K`/`KiB` = 1024 bytes, `M`/`MiB` = 1024², and so on. */
const MIB_PER_UNIT: Readonly<Record<string, number>> = {
  K: 1 / 1024,
  KiB: 1 / 1024,
  M: 1,
  MiB: 1,
  G: 1024,
  GiB: 1024,
  T: 1024 * 1024,
  TiB: 1024 * 1024,
};

const SIZE = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/;

/**
 * Parses a size such as `"512MiB"`, `"1.5GiB"` or `"2G"` into whole MiB, rounding up (so `"1KiB"`
 * is 1 MiB). Units are binary (`K`, `M`, `G`, `T` mean KiB, MiB, GiB, TiB). A bare number is
 * rejected rather than guessed at. Ranges are the caller's business.
 *
 * @throws {Error} with a message that says how to write the size, e.g.
 *   `"512" has no unit; write "512MiB"`.
 */
export function parseSizeMib(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) {
    throw new Error(`size "${text}" has no unit; write "${trimmed}MiB"`);
  }
  const match = SIZE.exec(trimmed);
  if (match === null) {
    throw new Error(`"${text}" is not a size; write a number and a unit, e.g. "512MiB" or "1.5GiB"`);
  }
  const [, amount = '', unit = ''] = match;
  const perUnit = MIB_PER_UNIT[unit];
  if (perUnit === undefined) {
    throw new Error(
      `size "${text}" has unknown unit "${unit}"; use KiB, MiB, GiB or TiB (K, M, G, T also mean binary units)`,
    );
  }
  const mib = Number(amount) * perUnit;
  if (!Number.isFinite(mib)) throw new Error(`size "${text}" is too large`);
  // Round away float noise first ("1.1GiB" * 1024) so that exact values do not gain a MiB.
  return Math.ceil(Math.round(mib * 1e6) / 1e6);
}
