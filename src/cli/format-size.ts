const UNITS = ['MiB', 'GiB', 'TiB', 'PiB'];

/** Mebibytes for humans: `512 MiB`, `1.5 GiB`, `16 GiB` (at most one decimal). */
export function formatMib(mib: number): string {
  let value = mib;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${formatNumber(value, 1)} ${UNITS[unit]}`;
}

/** A number with at most `decimals` decimals and no trailing zeros: 2, 0.5, 1.25. */
export function formatNumber(value: number, decimals = 2): string {
  return String(Number(value.toFixed(decimals)));
}
