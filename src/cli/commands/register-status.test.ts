import { describe, expect, it } from 'vitest';
import { appStatus } from '../../../test/support/api-fixtures.js';
import { fakeCliDeps } from '../../../test/support/fake-cli-deps.js';
import { runCli } from '../run-cli.js';

describe('bubo status', () => {
  it('shows every app of every namespace in a table', async () => {
    const stopped = appStatus({ name: 'cron', namespace: 'ops', release: null, desired: 0, running: 0, healthy: 0, stopped: true, deployment: null, instances: [] });
    const cli = fakeCliDeps({ 'GET /v1/apps': { apps: [appStatus(), stopped] } });
    await runCli(['status'], cli.deps);
    expect(cli.stdout()).toBe(
      [
        'NAMESPACE/APP   RELEASE   DESIRED       RUNNING   HEALTHY   GROUP   DEPLOYMENT',
        'default/shop    3         3             2         1         web     running 2/3 healthy (release 3)',
        'ops/cron        -         0 (stopped)   0         0         web     -',
        '',
      ].join('\n'),
    );
  });

  it('asks for one namespace when -n is given', async () => {
    const cli = fakeCliDeps({ 'GET /v1/apps?namespace=ops': { apps: [] } });
    await runCli(['-n', 'ops', 'status'], cli.deps);
    expect(cli.stdout()).toBe('no apps yet; deploy one with "bubo deploy"\n');
    expect(cli.exitCode()).toBe(0);
  });

  it('shows one app and its instances', async () => {
    const cli = fakeCliDeps({ 'GET /v1/apps/default/shop': appStatus() });
    await runCli(['status', 'shop'], cli.deps);
    const [apps, instances] = cli.stdout().split('\n\n');
    expect(apps).toMatch(/^NAMESPACE\/APP +RELEASE +DESIRED +RUNNING +HEALTHY +GROUP +DEPLOYMENT\ndefault\/shop /);
    expect(instances).toBe(
      [
        'ID        HOST   RELEASE   STATE      HEALTH    ADDRESS     MESSAGE',
        'shop-a1   h1     3         running    healthy   10.88.1.2   -',
        'shop-b2   h2     3         starting   -         -           pulling image',
        '',
      ].join('\n'),
    );
  });

  it('reads namespace/app and -n the same way, and prints {apps: [app]} with --json', async () => {
    const app = appStatus({ namespace: 'team a' });
    for (const argv of [['status', 'team a/shop', '--json'], ['status', 'shop', '-n', 'team a', '--json']]) {
      const cli = fakeCliDeps({ 'GET /v1/apps/team%20a/shop': app });
      await runCli(argv, cli.deps);
      expect(cli.calls.map((c) => c.path)).toEqual(['/v1/apps/team%20a/shop']);
      expect(JSON.parse(cli.stdout())).toEqual({ apps: [app] });
    }
  });
});
