import { describe, expect, it } from 'vitest';
import { hostView } from '../../../test/support/api-fixtures.js';
import { fakeCliDeps } from '../../../test/support/fake-cli-deps.js';
import { runCli } from '../run-cli.js';

describe('bubo hosts and bubo groups', () => {
  it('shows hosts with human sizes, cordoned marked, overcommit flagged, unavailable runtimes in parentheses and why below', async () => {
    const runtimes = [
      { name: 'runc', kind: 'container' as const, available: true },
      { name: 'qemu', kind: 'microvm' as const, available: true, detail: 'tcg: the KVM probe boot did not reach userspace in 5 s' },
    ];
    const over = hostView({ name: 'h2', status: 'down', cordoned: true, overcommit: 1.25, runtimes });
    const cli = fakeCliDeps({ 'GET /v1/hosts': { hosts: [hostView(), over] } });
    await runCli(['hosts'], cli.deps);
    expect(cli.stdout()).toBe(
      [
        'NAME   GROUP   STATUS          CPUS    MEMORY           DISK              OVERCOMMIT   RUNTIMES',
        'h1     web     ready           2.5/8   1.5 GiB/16 GiB   512 MiB/100 GiB   0.31x        firecracker, (qemu)',
        'h2     web     down,cordoned   2.5/8   1.5 GiB/16 GiB   512 MiB/100 GiB   1.25x !      runc, qemu (tcg)',
        '',
        'h1: qemu unavailable: no KVM',
        'h2: qemu: tcg: the KVM probe boot did not reach userspace in 5 s',
        '',
      ].join('\n'),
    );
  });

  it('shows groups with ready and cordoned host counts', async () => {
    const group = {
      name: 'web',
      hosts: 3,
      ready_hosts: 2,
      cordoned_hosts: 1,
      cpus: { allocated: 4, total: 16 },
      memory_mib: { allocated: 2048, total: 32768 },
      disk_mib: { allocated: 1024, total: 204800 },
      overcommit: 0.25,
    };
    const cli = fakeCliDeps({ 'GET /v1/groups': { groups: [group] } });
    await runCli(['groups'], cli.deps);
    expect(cli.stdout()).toBe(
      ['NAME   HOSTS                   CPUS   MEMORY         DISK            OVERCOMMIT', 'web    2/3 ready, 1 cordoned   4/16   2 GiB/32 GiB   1 GiB/200 GiB   0.25x', ''].join('\n'),
    );
  });

  it('cordons a host by name', async () => {
    const cli = fakeCliDeps({ 'POST /v1/hosts/h1/cordon': hostView({ cordoned: true }) });
    await runCli(['host', 'cordon', 'h1'], cli.deps);
    expect(cli.stdout()).toBe('host h1 cordoned: nothing new is placed on it; instances on it keep running\n');
  });
});

describe('bubo host drain', () => {
  it('drains a host and waits, with progress, until no instance is left on it', async () => {
    const left = [2, 2, 1, 0];
    const cli = fakeCliDeps({
      'POST /v1/hosts/h1/drain': hostView({ cordoned: true, draining: true, instances: 2 }),
      'GET /v1/hosts': () => ({ hosts: [hostView({ cordoned: true, draining: true, instances: left.shift() ?? 0 })] }),
    });
    await runCli(['host', 'drain', 'h1'], cli.deps);
    expect(cli.exitCode()).toBe(0);
    expect(cli.stderr()).toBe(
      ['host h1 draining: 2 instance(s) left, replaced on other hosts of group web one per app at a time', 'host h1 draining: 1 instance(s) left, replaced on other hosts of group web one per app at a time', ''].join('\n'),
    );
    expect(cli.stdout()).toBe('host h1 drained: no instance left on it; it stays cordoned until "bubo host uncordon h1"\n');
  });

  it('with --no-wait returns once the drain has started', async () => {
    const cli = fakeCliDeps({ 'POST /v1/hosts/h1/drain': hostView({ cordoned: true, draining: true, instances: 2 }) });
    await runCli(['host', 'drain', 'h1', '--no-wait'], cli.deps);
    expect(cli.stdout()).toBe('host h1 draining: 2 instance(s) to move to other hosts of group web; "bubo hosts" shows progress\n');
    expect(cli.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /v1/hosts/h1/drain']);
  });

  it('gives up after --timeout, saying what is left and how to end the drain', async () => {
    let now = 0;
    const cli = fakeCliDeps(
      { 'POST /v1/hosts/h1/drain': hostView({ instances: 1 }), 'GET /v1/hosts': { hosts: [hostView({ instances: 1 })] } },
      {
        now: () => now,
        sleep: async (ms) => {
          now += ms;
        },
      },
    );
    await runCli(['host', 'drain', 'h1', '--timeout', '5'], cli.deps);
    expect(cli.exitCode()).not.toBe(0);
    expect(cli.stderr()).toContain('host h1 still holds 1 instance(s) after 5 s');
    expect(cli.stderr()).toContain('"bubo host uncordon h1" ends the drain');
  });

  it('refuses a --timeout that is not a whole number of seconds, before calling the server', async () => {
    const cli = fakeCliDeps();
    await runCli(['host', 'drain', 'h1', '--timeout', 'soon'], cli.deps);
    expect(cli.stderr()).toContain('--timeout "soon" must be a whole number of seconds, at least 1');
    expect(cli.calls).toEqual([]);
  });
});
