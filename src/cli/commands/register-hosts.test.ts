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
