/** The moments of one failover, in ms since the epoch (`Date.now()`). */
export interface FailoverMarks {
  /** The cable of the host was pulled. */
  cut: number;
  /** The server lists the host as down. */
  down: number;
  /** The replacement instance exists (placed on another host). */
  placed: number;
  /** The server has it running and healthy. */
  healthy: number;
  /** The load balancer's configuration in effect proxies to it: it serves through the lb. */
  serving: number;
}

export interface FailoverFigures {
  host_ttl_ms: number;
  replace_after_ms: number;
  down_ms: number;
  placed_ms: number;
  healthy_ms: number;
  /** The headline: host death → every replacement serving through the load balancer. */
  total_ms: number;
  /** total / host TTL, both of this run. */
  ratio_to_ttl: number;
  goal_ms: number;
  meets_goal: boolean;
}

/** The goal of issue 12: a dead host's instances serve elsewhere within 20 s. */
export const FAILOVER_GOAL_MS = 20_000;

/** Offsets from the cut; the total as a ratio to the TTL of the same run (two decimals). */
export function failoverFigures(marks: FailoverMarks, hostTtlMs: number, replaceAfterMs: number): FailoverFigures {
  const total = marks.serving - marks.cut;
  return {
    host_ttl_ms: hostTtlMs,
    replace_after_ms: replaceAfterMs,
    down_ms: marks.down - marks.cut,
    placed_ms: marks.placed - marks.cut,
    healthy_ms: marks.healthy - marks.cut,
    total_ms: total,
    ratio_to_ttl: Math.round((total / hostTtlMs) * 100) / 100,
    goal_ms: FAILOVER_GOAL_MS,
    meets_goal: total < FAILOVER_GOAL_MS,
  };
}
