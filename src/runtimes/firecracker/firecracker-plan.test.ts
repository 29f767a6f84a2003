import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { firecrackerBootArgs } from './firecracker-guest.js';
import { FirecrackerPlanError, type FirecrackerPlanInput, planFirecrackerBoot, planFirecrackerStop } from './firecracker-plan.js';
import { configFileToRequests, FirecrackerSpec } from './test-firecracker-spec.js';

const spec = new FirecrackerSpec();

const small: FirecrackerPlanInput = {
  vcpus: 1,
  memoryMiB: 128,
  kernel: '/vmlinux',
  initrd: '/initrd',
  bootArgs: firecrackerBootArgs(),
  drives: [
    { id: 'config', path: '/config.ext4', readOnly: true },
    { id: 'scratch', path: '/scratch.ext4', readOnly: false },
  ],
  network: null,
  vsock: null,
  logPath: null,
  consolePath: null,
};

const large: FirecrackerPlanInput = {
  ...small,
  vcpus: 2,
  memoryMiB: 512,
  drives: [...small.drives, { id: 'image0', path: '/image0.ext4', readOnly: true }],
  network: { tap: 'bt-web-1', mac: '02:12:34:56:78:9a', mtu: 1500 },
  vsock: { udsPath: '/v.sock', guestCid: 3 },
  logPath: '/firecracker.log',
  consolePath: '/console.log',
};

describe('planFirecrackerBoot: every request conforms to firecracker-api.yaml', () => {
  test.each([
    ['1 vCPU, 128 MiB, no NIC, no vsock', small],
    ['2 vCPUs, 512 MiB, NIC + vsock + 3 drives + logger + console', large],
  ])('%s', (_, input) => {
    const requests = planFirecrackerBoot(input);
    for (const request of requests) expect({ request: `${request.method} ${request.path}`, ...spec.check(request) }).toMatchObject({ errors: [] });
    expect(requests.at(-1)).toEqual({ method: 'PUT', path: '/actions', body: { action_type: 'InstanceStart' } });
  });

  test('sends the requests in a fixed order, drives in vda/vdb/vdc order, none of them a root device', () => {
    const requests = planFirecrackerBoot(large);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'PUT /logger',
      'PUT /serial',
      'PUT /machine-config',
      'PUT /boot-source',
      'PUT /drives/config',
      'PUT /drives/scratch',
      'PUT /drives/image0',
      'PUT /network-interfaces/eth0',
      'PUT /vsock',
      'PUT /actions',
    ]);
    expect(requests.map((r) => spec.check(r).operationId)).toEqual([
      'putLogger',
      'putSerialDevice',
      'putMachineConfiguration',
      'putGuestBootSource',
      'putGuestDriveByID',
      'putGuestDriveByID',
      'putGuestDriveByID',
      'putGuestNetworkInterfaceByID',
      'putGuestVsock',
      'createSyncAction',
    ]);
    const drives = requests.filter((r) => r.path.startsWith('/drives/')).map((r) => r.body as Record<string, unknown>);
    expect(drives.map((d) => [d.drive_id, d.path_on_host, d.is_read_only, d.is_root_device])).toEqual([
      ['config', '/config.ext4', true, false],
      ['scratch', '/scratch.ext4', false, false],
      ['image0', '/image0.ext4', true, false],
    ]);
    expect(requests[2]?.body).toEqual({ vcpu_count: 2, mem_size_mib: 512, smt: false });
    expect(requests[3]?.body).toEqual({ kernel_image_path: '/vmlinux', initrd_path: '/initrd', boot_args: 'console=ttyS0 quiet reboot=k panic=1 pci=off bubo.halt=reboot bubo.control=vsock:1024' });
    expect(requests[7]?.body).toEqual({ iface_id: 'eth0', host_dev_name: 'bt-web-1', guest_mac: '02:12:34:56:78:9a', mtu: 1500 });
    expect(requests[8]?.body).toEqual({ guest_cid: 3, uds_path: '/v.sock' });
  });

  test('a VM without a NIC, vsock, logger or console sends none of those requests', () => {
    const paths = planFirecrackerBoot(small).map((r) => r.path);
    expect(paths).toEqual(['/machine-config', '/boot-source', '/drives/config', '/drives/scratch', '/actions']);
  });

  test('the stop request is a conforming SendCtrlAltDel action', () => {
    const stop = planFirecrackerStop();
    expect(stop).toEqual({ method: 'PUT', path: '/actions', body: { action_type: 'SendCtrlAltDel' } });
    expect(spec.check(stop)).toEqual({ operationId: 'createSyncAction', errors: [] });
  });

  test.each([
    [{ vcpus: 0 }, /vcpus must be an integer from 1 to 32/],
    [{ vcpus: 33 }, /vcpus must be an integer from 1 to 32/],
    [{ memoryMiB: 0.5 }, /memoryMiB must be a positive integer/],
    [{ drives: [{ id: 'image-0', path: '/x', readOnly: true }] }, /drive id "image-0" must be 1-64 letters/],
    [{ drives: [small.drives[0]!, small.drives[0]!] }, /drive id "config" is used twice/],
    [{ vsock: { udsPath: '/v.sock', guestCid: 2 } }, /guestCid must be an integer >= 3/],
    [{ network: { tap: 't', mac: '02:00:00' } }, /guest MAC "02:00:00"/],
  ] as [Partial<FirecrackerPlanInput>, RegExp][])('rejects bad input %j with a message naming the field', (change, message) => {
    expect(() => planFirecrackerBoot({ ...small, ...change })).toThrow(FirecrackerPlanError);
    expect(() => planFirecrackerBoot({ ...small, ...change })).toThrow(message);
  });
});

describe('the spec validator catches what Firecracker would reject', () => {
  test.each([
    ['an unknown field', { method: 'PUT', path: '/drives/config', body: { drive_id: 'config', is_root_device: false, path_on_host: '/c', readonly: true } }, /must NOT have additional properties.*readonly/],
    ['a missing required field', { method: 'PUT', path: '/drives/config', body: { drive_id: 'config', path_on_host: '/c' } }, /must have required property 'is_root_device'/],
    ['a wrong type', { method: 'PUT', path: '/machine-config', body: { vcpu_count: '2', mem_size_mib: 128 } }, /body\/vcpu_count must be integer/],
    ['a value out of range', { method: 'PUT', path: '/vsock', body: { guest_cid: 2, uds_path: '/v.sock' } }, /body\/guest_cid must be >= 3/],
    ['an unknown enum value', { method: 'PUT', path: '/actions', body: { action_type: 'Shutdown' } }, /must be equal to one of the allowed values/],
    ['a missing body', { method: 'PUT', path: '/boot-source' }, /putGuestBootSource requires a body/],
    ['an unknown path', { method: 'PUT', path: '/disks/config', body: {} }, /no path in the spec matches \/disks\/config/],
    ['a method the path lacks', { method: 'PATCH', path: '/actions', body: { action_type: 'InstanceStart' } }, /\/actions has no PATCH operation/],
    ['an empty path parameter', { method: 'PUT', path: '/drives/', body: { drive_id: 'x', is_root_device: false } }, /path parameter drive_id is missing/],
  ] as const)('%s', (_, request, message) => {
    const { errors } = spec.check(request as never);
    expect(errors.join('\n')).toMatch(message);
  });

  test('every definition in the spec compiles', () => {
    for (const name of Object.keys(spec.spec.definitions)) expect(typeof spec.definition(name)).toBe('function');
  });
});

describe("Firecracker's own example configurations validate (the validator is wired right)", () => {
  test.each(['vm_config.json', 'vm_config_network.json'])('%s', (file) => {
    const config = JSON.parse(readFileSync(new URL(`./spec/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;
    const requests = configFileToRequests(config);
    expect(requests.length).toBeGreaterThanOrEqual(3);
    for (const request of requests) expect({ request: `${request.method} ${request.path}`, ...spec.check(request) }).toMatchObject({ errors: [] });
    // And the whole file against the spec's own description of a full configuration.
    const full = spec.definition('FullVmConfiguration');
    expect(full(JSON.parse(JSON.stringify(config, (_, v) => (v === null ? undefined : v)))), JSON.stringify(full.errors)).toBe(true);
  });

  test('a corrupted example fails (the examples are not validated vacuously)', () => {
    const config = JSON.parse(readFileSync(new URL('./spec/vm_config.json', import.meta.url), 'utf8')) as { drives: Record<string, unknown>[] };
    (config.drives[0] as Record<string, unknown>).is_root_device = 'yes';
    const errors = configFileToRequests(config).flatMap((r) => spec.check(r).errors);
    expect(errors).toEqual([expect.stringMatching(/is_root_device must be boolean/)]);
  });
});

test('the spec copy in spec/ is the one in /work/shared (when that is present)', () => {
  const shared = '/work/shared/firecracker/firecracker-api.yaml';
  let original: string;
  try {
    original = readFileSync(shared, 'utf8');
  } catch {
    return; // Not on this machine: the copy is the reference.
  }
  expect(readFileSync(new URL('./spec/firecracker-api.yaml', import.meta.url), 'utf8')).toBe(original);
});
