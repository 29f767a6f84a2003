import { describe, expect, it } from 'vitest';
import { fakeCliDeps } from '../../../test/support/fake-cli-deps.js';
import { runCli } from '../run-cli.js';

describe('bubo server', () => {
  it('starts in the default state dir, says where it listens and closes on the shutdown signal', async () => {
    const controller = new AbortController();
    const events: string[] = [];
    const cli = fakeCliDeps(
      {},
      {
        shutdownSignal: () => controller.signal,
        startServer: async (options) => {
          events.push(`start ${options.stateDir} ${options.listen}`);
          setTimeout(() => controller.abort('SIGTERM'), 1);
          return {
            url: 'http://127.0.0.1:7070',
            adminTokenPath: `${options.stateDir}/admin.token`,
            close: async () => {
              events.push('close');
            },
          };
        },
      },
    );
    await runCli(['server'], cli.deps);
    expect(events).toEqual(['start /home/test/.local/share/bubo/server 127.0.0.1:7070', 'close']);
    expect(cli.stdout()).toBe(
      'bubo server listening on http://127.0.0.1:7070\nstate dir: /home/test/.local/share/bubo/server\nadmin token: /home/test/.local/share/bubo/server/admin.token\n',
    );
    expect(cli.stderr()).toBe('bubo: SIGTERM received, stopping\n');
    expect(cli.exitCode()).toBe(0);
  });

  it('passes --state-dir, --listen and --cluster-cidr through', async () => {
    const seen: unknown[] = [];
    const cli = fakeCliDeps(
      {},
      {
        shutdownSignal: () => AbortSignal.abort('SIGINT'),
        startServer: async (options) => {
          seen.push(options);
          return { url: 'http://0.0.0.0:8080', adminTokenPath: '/srv/bubo/admin.token', close: async () => {} };
        },
      },
    );
    await runCli(['server', '--state-dir', '/srv/bubo', '--listen', '0.0.0.0:8080', '--cluster-cidr', '10.200.0.0/16'], cli.deps);
    expect(seen).toEqual([{ stateDir: '/srv/bubo', listen: '0.0.0.0:8080', core: { clusterCidr: '10.200.0.0/16' } }]);
    await runCli(['server', '--state-dir', '/srv/bubo', '--host-ttl', '8s'], cli.deps);
    expect(seen[1]).toEqual({ stateDir: '/srv/bubo', listen: '127.0.0.1:7070', core: { clusterCidr: '10.88.0.0/16', hostTtlMs: 8_000, heartbeatIntervalMs: 2_000 } });
    await runCli(['server', '--state-dir', '/srv/bubo', '--host-cert-ttl', '7d'], cli.deps);
    expect(seen[2]).toEqual({ stateDir: '/srv/bubo', listen: '127.0.0.1:7070', core: { clusterCidr: '10.88.0.0/16' }, hostCertValidityMs: 7 * 24 * 3600_000 });
  });

  it('refuses a --host-cert-ttl under 5s before starting anything, naming the flag', async () => {
    const cli = fakeCliDeps(
      {},
      {
        startServer: async () => {
          throw new Error('must not start');
        },
      },
    );
    await runCli(['server', '--host-cert-ttl', '2s'], cli.deps);
    expect(cli.stderr()).toBe('bubo: --host-cert-ttl "2s" must be at least 5s (agents renew with a third of it left, which must leave time for retries)\n');
    expect(cli.exitCode()).toBe(2);
  });
});
