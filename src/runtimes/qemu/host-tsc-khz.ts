/**
 * The host TSC frequency in kHz, for the guest's `tsc_early_khz` (PLATFORM §1.5: without it a
 * TCG guest often fails TSC calibration and hangs). The kernel's own measurement in the boot log
 * wins ("tsc: Refined TSC clocksource calibration", else "tsc: Detected … MHz processor"),
 * because `cpu MHz` in /proc/cpuinfo follows frequency scaling on some hosts; `cpu MHz` is the
 * fallback (exact on hosts with a constant, known TSC, such as VMs). Null when neither says.
 */
export function parseTscKhz(sources: { dmesg?: string | null; cpuinfo?: string | null }): number | null {
  const dmesg = sources.dmesg ?? '';
  const refined = /tsc: Refined TSC clocksource calibration: (\d+(?:\.\d+)?) MHz/.exec(dmesg);
  const detected = /tsc: Detected (\d+(?:\.\d+)?) MHz processor/.exec(dmesg);
  const cpuMhz = /^cpu MHz\s*:\s*(\d+(?:\.\d+)?)\s*$/m.exec(sources.cpuinfo ?? '');
  for (const match of [refined, detected, cpuMhz]) {
    const khz = match?.[1] ? Math.round(Number(match[1]) * 1000) : 0;
    if (khz > 0) return khz;
  }
  return null;
}
