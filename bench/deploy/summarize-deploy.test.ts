import { describe, expect, it } from 'vitest';
import type { DeployTimeline } from './deploy-timeline.js';
import { median, medianFigures, summarizeDeploy } from './summarize-deploy.js';

const fresh = (id: string, placedAt: number, runningAt: number, healthyAt: number, servedAt: number) => ({ id, placedAt, runningAt, healthyAt, servedAt });
const old = (id: string, stoppingAt: number, stoppedAt: number) => ({ id, stoppingAt, stoppedAt });

describe('summarizeDeploy', () => {
  it('adds up each new instance’s running → healthy when they come one after the other (rolling)', () => {
    // bubo's rolling order: the next instance is placed, and the old one stopped, once the previous is healthy.
    const t: DeployTimeline = {
      calledAt: 0,
      endAt: 1000,
      created: [fresh('n1', 30, 200, 450, 470), fresh('n2', 480, 600, 700, 720), fresh('n3', 710, 800, 900, 930)],
      stopped: [old('o1', 480, 650), old('o2', 710, 790), old('o3', 910, 980)],
    };
    expect(summarizeDeploy(t)).toEqual({ total: 1000, health: 250 + 100 + 100, net: 550, placement: 30, start: 170 + 120 + 90, lbSwitch: 20 + 10 + 30, oldStopped: 50, rest: 10 + 20 });
  });

  it('counts blue-green health checks from the last instance running to the last healthy', () => {
    const t: DeployTimeline = {
      calledAt: 0,
      endAt: 1300,
      created: [fresh('a', 25, 250, 400, 620), fresh('b', 25, 360, 500, 610), fresh('c', 25, 400, 580, 600)],
      stopped: [old('x', 600, 1190), old('y', 600, 1250), old('z', 600, 1300)],
    };
    const f = summarizeDeploy(t);
    expect(f).toMatchObject({ placement: 25, start: 375, health: 180, lbSwitch: 40, oldStopped: 680, rest: 0 });
  });

  it('has phases that always add up to the total, and net = total − health', () => {
    const t: DeployTimeline = { calledAt: 100, endAt: 900, created: [fresh('a', 150, 300, 350, 500), fresh('b', 200, 320, 700, 710)], stopped: [old('x', 400, 800)] };
    const f = summarizeDeploy(t);
    expect(f.placement + f.start + f.health + f.lbSwitch + f.oldStopped + f.rest).toBe(f.total);
    expect(f.net).toBe(f.total - f.health);
    expect(f.total).toBe(800);
  });

  it('takes medians per figure, middle pair averaged', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const r = (total: number) => ({ total, health: 0, net: total, placement: 0, start: 0, lbSwitch: 0, oldStopped: 0, rest: total });
    expect(medianFigures([r(5), r(1), r(9)]).total).toBe(5);
  });
});
