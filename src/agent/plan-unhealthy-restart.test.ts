import { describe, expect, it } from 'vitest';
import { planUnhealthyRestart } from './plan-unhealthy-restart.js';

describe('planUnhealthyRestart', () => {
  const cases = [
    { policy: 'always', restarts: 0, want: { giveUp: false, why: 'restarting after failed health check: HTTP 500' } },
    { policy: 'on-failure', restarts: 2, want: { giveUp: false, why: 'restarting after failed health check: HTTP 500' } },
    { policy: 'always', restarts: 3, want: { giveUp: true, why: 'unhealthy after 3 restart(s): HTTP 500' } },
    { policy: 'never', restarts: 0, want: { giveUp: true, why: 'unhealthy (restart = "never"): HTTP 500' } },
  ] as const;
  for (const c of cases) {
    it(`restart = ${c.policy} after ${c.restarts} restart(s): ${c.want.giveUp ? 'gives up' : 'restarts'}`, () => {
      expect(planUnhealthyRestart({ policy: c.policy, restarts: c.restarts, maxRestarts: 3, message: 'HTTP 500' })).toEqual(c.want);
    });
  }
});
