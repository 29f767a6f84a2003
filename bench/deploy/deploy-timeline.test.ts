import { describe, expect, it } from 'vitest';
import { buboTimeline, type TimedEvent, TimelineError } from './deploy-timeline.js';
import type { Serving } from './serving-timeline.js';

const e = (at: number, kind: string, data: Record<string, unknown> = {}): TimedEvent => ({ at, kind, data });
const serving = (seen: Record<string, number>, allNewAt: number | null = 900): Serving => ({
  allNewAt,
  firstSeen: new Map(Object.entries(seen)),
  lastSeen: new Map(Object.entries(seen)),
  newInstances: new Set(Object.keys(seen)),
});

// A rolling deploy of release 3 replacing o1 and o2, as the server logs it (trimmed from a real run).
const events: TimedEvent[] = [
  e(6, 'deployment.started', { to: 3 }),
  e(28, 'instance.placed', { release: 3, instances: ['n1'] }),
  e(77, 'instance.starting', { instance: 'n1' }),
  e(209, 'instance.running', { instance: 'n1' }),
  e(455, 'instance.healthy', { instance: 'n1' }),
  e(477, 'instance.placed', { release: 3, instances: ['n2'] }),
  e(477, 'instance.stopping', { instances: ['o1'] }),
  e(608, 'instance.stopping', { instance: 'o1', from: 'running' }),
  e(891, 'instance.running', { instance: 'n2' }),
  e(1011, 'instance.stopped', { instance: 'o1' }),
  e(1030, 'instance.restarting', {}),
  e(1040, 'instance.running', { instance: 'n2' }),
  e(1066, 'instance.healthy', { instance: 'n2' }),
  e(1087, 'instance.stopping', { instances: ['o2'] }),
  e(1629, 'instance.stopped', { instance: 'o2' }),
  e(1650, 'deployment.succeeded', { release: 3 }),
];

describe('buboTimeline', () => {
  it('reads new instances, old instances and the end from the event log and the load balancer', () => {
    const t = buboTimeline({ calledAt: 0, release: 3, events, serving: serving({ n1: 470, n2: 1100, o2: 50 }, 1200) });
    expect(t.created).toEqual([
      { id: 'n1', placedAt: 28, runningAt: 209, healthyAt: 455, servedAt: 470 },
      // Restarted after failed checks: its check time counts from the last start.
      { id: 'n2', placedAt: 477, runningAt: 1040, healthyAt: 1066, servedAt: 1100 },
    ]);
    // Only the server's stop decisions (a list of ids), not the agent's state report.
    expect(t.stopped).toEqual([
      { id: 'o1', stoppingAt: 477, stoppedAt: 1011 },
      { id: 'o2', stoppingAt: 1087, stoppedAt: 1629 },
    ]);
    expect(t.restarts).toBe(1);
    expect(t.endAt).toBe(1650);
  });

  it.each([
    ['the load balancer turned all-new last', 2000, {}, 2000],
    ['a new instance answered last', 1200, { n2: 2500 }, 2500],
  ])('ends at the latest of success, all-new answers and each new instance serving: %s', (_, allNewAt, later, end) => {
    const t = buboTimeline({ calledAt: 0, release: 3, events, serving: serving({ n1: 470, n2: 1100, ...later }, allNewAt) });
    expect(t.endAt).toBe(end);
  });

  it.each([
    ['a new instance never answered through the load balancer', { events, seen: { n1: 470 } }, /answer from n2 \(answers came from: n1\)/],
    ['the deployment did not succeed', { events: events.filter((x) => x.kind !== 'deployment.succeeded'), seen: { n1: 1, n2: 2 } }, /no deployment\.succeeded/],
    ['nothing was placed for the release', { events: events.filter((x) => x.kind !== 'instance.placed'), seen: {} }, /no instance\.placed/],
  ])('says what is missing when %s', (_, c, message) => {
    expect(() => buboTimeline({ calledAt: 0, release: 3, events: c.events, serving: serving(c.seen) })).toThrow(TimelineError);
    expect(() => buboTimeline({ calledAt: 0, release: 3, events: c.events, serving: serving(c.seen) })).toThrow(message);
  });
});
