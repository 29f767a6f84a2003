import { describe, expect, it } from 'vitest';
import { fakeCliDeps } from '../../../test/support/fake-cli-deps.js';
import { runCli } from '../run-cli.js';

const destroyed = { 'DELETE /v1/apps/default/shop': [202, { app: 'shop', namespace: 'default', destroying: true }] };

describe('bubo destroy', () => {
  it('refuses without --yes when nobody can answer, and exits 2', async () => {
    const cli = fakeCliDeps(destroyed);
    await runCli(['destroy', 'shop'], cli.deps);
    expect(cli.stderr()).toBe('bubo: refusing to destroy default/shop without confirmation; pass --yes\n');
    expect(cli.exitCode()).toBe(2);
    expect(cli.calls).toEqual([]);
  });

  it('asks on a terminal and does nothing when the answer is no', async () => {
    const questions: string[] = [];
    const cli = fakeCliDeps(destroyed, { interactive: true, confirm: async (q) => {
        questions.push(q);
        return false;
      },
    });
    await runCli(['destroy', 'shop'], cli.deps);
    expect(questions).toEqual(['destroy default/shop and stop all its instances? [y/N] ']);
    expect(cli.stderr()).toBe('bubo: default/shop was not destroyed\n');
    expect(cli.calls).toEqual([]);
  });

  it('destroys with --yes', async () => {
    const cli = fakeCliDeps(destroyed);
    await runCli(['destroy', 'shop', '--yes'], cli.deps);
    expect(cli.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['DELETE /v1/apps/default/shop']);
    expect(cli.stdout()).toBe('default/shop: destroying; its instances stop, then the app is deleted (its volumes are kept: "bubo volume ls default/shop")\n');
    expect(cli.exitCode()).toBe(0);
  });
});
