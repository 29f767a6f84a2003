import type { HostRuntime } from '../../domain/runtime-kind.js';

/**
 * The check step's report lines for runtimes that worked on the host before the operation and do
 * not now (what the host reports after its patch and reboot), e.g. an upgrade that broke runc.
 * The agent's own check only tries the runtimes its probe still finds usable, so this is what
 * catches one that stopped working.
 */
export function lostRuntimes(before: readonly string[] | undefined, now: readonly HostRuntime[]): string[] {
  return (before ?? []).flatMap((name) => {
    const runtime = now.find((r) => r.name === name);
    if (runtime?.available) return [];
    return [`FAIL runtime ${name}: available before the maintenance, not now${runtime?.reason ? ` (${runtime.reason})` : ' (no longer reported)'}`];
  });
}
