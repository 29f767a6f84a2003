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

/** Bytes for humans: `512 B`, `3.2 KiB`, `1.5 GiB` (an archive's size). */
export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${formatNumber(bytes / 1024, 1)} KiB` : formatMib(bytes / 1024 ** 2);
}

/** A number with at most `decimals` decimals and no trailing zeros: 2, 0.5, 1.25. */
export function formatNumber(value: number, decimals = 2): string {
  return String(Number(value.toFixed(decimals)));
}
