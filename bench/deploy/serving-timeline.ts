import type { Sample } from './lb-observer.js';

export interface Serving {
  /** When the answers through the load balancer became, and stayed, `version`: the first answer of the final unbroken run; null before `streak` such answers. */
  allNewAt: number | null;
  /** First and last answer of each instance (by its hostname). */
  firstSeen: ReadonlyMap<string, number>;
  lastSeen: ReadonlyMap<string, number>;
  /** Instances that answered with `version`. */
  newInstances: ReadonlySet<string>;
}

/**
 * What the load balancer served from `since` on. `allNewAt` needs at least `streak` answers of
 * `version` in a row up to the last sample; an error or another version anywhere after resets it.
 */
export function servingTimeline(samples: readonly Sample[], options: { since: number; version: string; streak: number }): Serving {
  const firstSeen = new Map<string, number>();
  const lastSeen = new Map<string, number>();
  const newInstances = new Set<string>();
  let runStart: number | null = null;
  let run = 0;
  for (const s of samples) {
    if (s.at < options.since) continue;
    if (s.instance !== null) {
      if (!firstSeen.has(s.instance)) firstSeen.set(s.instance, s.at);
      lastSeen.set(s.instance, s.at);
    }
    if (s.version === options.version) {
      if (s.instance !== null) newInstances.add(s.instance);
      if (run === 0) runStart = s.at;
      run++;
    } else {
      run = 0;
      runStart = null;
    }
  }
  return { allNewAt: run >= options.streak ? runStart : null, firstSeen, lastSeen, newInstances };
}
