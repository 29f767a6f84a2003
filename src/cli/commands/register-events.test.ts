import { describe, expect, it } from 'vitest';
import { fakeCliDeps } from '../../../test/support/fake-cli-deps.js';
import { runCli } from '../run-cli.js';

const event = (id: number) => ({
  id,
  at: '2024-05-01T11:00:00.123Z',
  actor: 'admin',
  kind: 'release.created',
  app: 'default/shop',
  host: null,
  message: `event ${id}`,
  data: {},
});

describe('bubo events', () => {
  it('filters by app (written with -n) and host, and prints a table', async () => {
    const cli = fakeCliDeps({ 'GET /v1/events?app=ops%2Fshop&host=h1&limit=5': { events: [event(1)] } });
    await runCli(['events', '-n', 'ops', '--app', 'shop', '--host', 'h1', '--limit', '5'], cli.deps);
    expect(cli.stdout()).toBe(
      ['AT                     ACTOR   KIND              APP            HOST   MESSAGE', '2024-05-01T11:00:00Z   admin   release.created   default/shop   -      event 1', ''].join('\n'),
    );
  });

  it('escapes control characters that came from a host, in the table and when following', async () => {
    const hostile = { ...event(1), message: 'pwned \u001b[2J\rgone\u009b', host: 'h\u00071' };
    const cli = fakeCliDeps({ 'GET /v1/events': { events: [hostile] } });
    await runCli(['events'], cli.deps);
    expect(cli.stdout()).toContain('pwned \\u001b[2J\\u000dgone\\u009b');
    expect(cli.stdout()).toContain('h\\u00071');
    expect(cli.stdout().replace(/[\n\t]/g, '')).not.toMatch(/\p{Cc}/u);
  });

  it('follows with after= until the shutdown signal', async () => {
    const controller = new AbortController();
    const cli = fakeCliDeps(
      {
        'GET /v1/events': { events: [event(1), event(2)] },
        'GET /v1/events?after=2': { events: [event(3)] },
        'GET /v1/events?after=3': () => {
          controller.abort('SIGINT');
          return { events: [] };
        },
      },
      {
        shutdownSignal: () => controller.signal,
      },
    );
    await runCli(['events', '-f'], cli.deps);
    expect(cli.calls.map((c) => c.path)).toEqual(['/v1/events', '/v1/events?after=2', '/v1/events?after=3']);
    expect(cli.stdout().split('\n').map((l) => l.split('  ').pop())).toEqual(['event 1', 'event 2', 'event 3', '']);
    expect(cli.exitCode()).toBe(0);
  });
});
