import { describe, expect, it } from 'vitest';
import { deploymentView } from '../../../test/support/api-fixtures.js';
import { fakeCliDeps } from '../../../test/support/fake-cli-deps.js';
import { runCli } from '../run-cli.js';

const task = 'app = "shop"\n';
const readFile = async (path: string) => {
  if (path === '/work/bubo.toml') return task;
  throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
};
const started = { app: 'shop', namespace: 'default', release: 3, deployment: deploymentView({ progress: { desired: 3, started: 1, running: 0, healthy: 0, old_live: 3 } }), warnings: ['image x:latest is mutable'] };

describe('bubo deploy', () => {
  it('sends the task text and file name and prints release, deployment and warnings', async () => {
    const cli = fakeCliDeps({ 'POST /v1/deploy': [201, started] }, { readFile });
    await runCli(['deploy', '--force'], cli.deps);
    expect(cli.calls[0]?.body).toEqual({ task, filename: 'bubo.toml', force: true });
    expect(cli.stdout()).toBe('default/shop: release 3, deployment dep-1 (running)\nwarning: image x:latest is mutable\n');
    expect(cli.exitCode()).toBe(0);
  });

  it('says which file it cannot read', async () => {
    const cli = fakeCliDeps({}, { readFile });
    await runCli(['deploy', 'other.toml'], cli.deps);
    expect(cli.stderr()).toBe('bubo: cannot read task file other.toml: no such file; pass its path, e.g. "bubo deploy path/to/bubo.toml"\n');
    expect(cli.calls).toEqual([]);
  });

  it('with --wait prints each new progress line and exits 1 when the deployment fails', async () => {
    const answers = [
      deploymentView({ progress: { desired: 3, started: 3, running: 1, healthy: 1, old_live: 2 } }),
      deploymentView({ progress: { desired: 3, started: 3, running: 1, healthy: 1, old_live: 2 } }),
      deploymentView({ progress: { desired: 3, started: 3, running: 2, healthy: 2, old_live: 1 } }),
      deploymentView({ status: 'failed', message: 'instance shop-b2 failed its health check; rolled back' }),
    ];
    const cli = fakeCliDeps({ 'POST /v1/deploy': [201, started], 'GET /v1/deployments/dep-1': () => answers.shift() }, { readFile });
    await runCli(['deploy', '--wait'], cli.deps);
    expect(cli.stdout().split('\n').slice(2)).toEqual([
      'release 3: 1/3 started, 0/3 healthy, 3 old still live',
      'release 3: 3/3 started, 1/3 healthy, 2 old still live',
      'release 3: 3/3 started, 2/3 healthy, 1 old still live',
      'release 3: failed: instance shop-b2 failed its health check; rolled back',
      '',
    ]);
    expect(cli.stderr()).toBe('bubo: release 3: failed: instance shop-b2 failed its health check; rolled back\n');
    expect(cli.exitCode()).toBe(1);
  });

  it('with --wait --json prints the deploy body holding the final deployment', async () => {
    const done = deploymentView({ status: 'succeeded', progress: { desired: 3, started: 3, running: 3, healthy: 3, old_live: 0 } });
    const cli = fakeCliDeps({ 'POST /v1/deploy': [201, started], 'GET /v1/deployments/dep-1': done }, { readFile });
    await runCli(['deploy', '--wait', '--json'], cli.deps);
    expect(JSON.parse(cli.stdout())).toEqual({ ...started, deployment: done });
    expect(cli.exitCode()).toBe(0);
  });
});
