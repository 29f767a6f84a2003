import { describe, expect, it } from 'vitest';
import { fakeCliDeps } from '../../../test/support/fake-cli-deps.js';
import { runCli } from '../run-cli.js';

const record = { id: 7, at: '2024-05-01T11:59:00.250Z', actor: 'anonymous', role: 'none', method: 'POST', route: '/v1/deploy', target: '/v1/deploy', status: 401, code: 'unauthorized' };

describe('bubo audit', () => {
  it('asks for an actor and the last DURATION, and prints who called what and how it ended', async () => {
    const since = Date.parse('2024-05-01T12:00:00Z') - 3_600_000;
    const cli = fakeCliDeps({ [`GET /v1/audit?actor=anonymous&since=${since}&limit=5`]: { records: [record] } });
    await runCli(['audit', '--actor', 'anonymous', '--since', '1h', '--limit', '5'], cli.deps);
    expect(cli.stdout()).toBe(
      ['AT                     ACTOR       ROLE   CALL              STATUS   CODE', '2024-05-01T11:59:00Z   anonymous   none   POST /v1/deploy   401      unauthorized', ''].join('\n'),
    );
  });

  it('refuses a --since that is not a duration, naming it', async () => {
    const cli = fakeCliDeps();
    await runCli(['audit', '--since', 'yesterday'], cli.deps);
    expect(cli.stderr()).toContain('--since "yesterday"');
    expect(cli.exitCode()).toBe(2);
    expect(cli.calls).toEqual([]);
  });
});
