import { describe, expect, it } from 'vitest';
import { hostView } from '../../../test/support/api-fixtures.js';
import { fakeCliDeps } from '../../../test/support/fake-cli-deps.js';
import { runCli } from '../run-cli.js';

describe('bubo host drain --deadline', () => {
  it('gives up after the --deadline duration', async () => {
    let now = 0;
    const cli = fakeCliDeps(
      { 'POST /v1/hosts/h1/drain': hostView({ instances: 1 }), 'GET /v1/hosts': { hosts: [hostView({ instances: 1 })] } },
      { now: () => now, sleep: async (ms) => {
        now += ms;
      } },
    );
    await runCli(['host', 'drain', 'h1', '--deadline', '1m'], cli.deps);
    expect(cli.exitCode()).toBe(1);
    expect(cli.stderr()).toContain('host h1 still holds 1 instance(s) after 60 s');
    expect(now).toBeGreaterThan(60_000);
    expect(now).toBeLessThan(70_000);
  });

  it('refuses --deadline together with --timeout, before calling the server', async () => {
    const cli = fakeCliDeps();
    await runCli(['host', 'drain', 'h1', '--deadline', '10m', '--timeout', '600'], cli.deps);
    expect(cli.exitCode()).toBe(2);
    expect(cli.stderr()).toBe('bubo: --deadline and --timeout both say how long to wait; give only --deadline\n');
    expect(cli.calls).toEqual([]);
  });

  it('refuses a --deadline that is not a duration, naming the accepted forms', async () => {
    const cli = fakeCliDeps();
    await runCli(['host', 'drain', 'h1', '--deadline', '10'], cli.deps);
    expect(cli.exitCode()).toBe(2);
    expect(cli.stderr()).toBe('bubo: --deadline: duration "10" has no unit; write "10s"\n');
    expect(cli.calls).toEqual([]);
  });
});
