import { describe, expect, it } from 'vitest';
import type { ContainerSpec } from '../domain/task-spec.js';
import { buildRuncSpec, type RuncSpecInput, RuncSpecError } from './build-runc-spec.js';

const container = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({
  name: 'web',
  image: 'shop:1',
  command: null,
  args: null,
  env: {},
  workdir: null,
  user: null,
  secrets: [],
  restart: 'always',
  stop_timeout_ms: 10_000,
  ...over,
});

const input = (over: Partial<RuncSpecInput> = {}): RuncSpecInput => ({
  instanceId: 'shop-1a2b',
  app: 'shop',
  container: container(),
  image: { Entrypoint: ['/bin/entry'], Cmd: ['--port', '80'], Env: ['PATH=/bin', 'GREETING=hi'], WorkingDir: '/www' },
  accounts: { passwd: 'root:x:0:0::/root:/bin/sh\nwww:x:33:34::/www:/bin/false\n', group: 'root:x:0:\nstaff:x:50:\n' },
  resources: { cpus: 0.5, memory_mib: 256, disk_mib: 1024 },
  netnsPath: '/var/run/netns/bubo-shop-1a2b',
  cgroupsPath: '/bubo/shop-1a2b/web',
  resolvConfPath: '/state/instances/shop-1a2b/resolv.conf',
  hostsPath: '/state/instances/shop-1a2b/hosts.txt',
  secrets: {},
  secretsDir: '/state/instances/shop-1a2b/web/secrets',
  ...over,
});

const env = (name: string) => ({ name, file: null });
const file = (name: string, path: string) => ({ name, file: path });
const SECRET_MOUNT_OPTIONS = ['bind', 'ro', 'nosuid', 'nodev', 'noexec'];

describe('buildRuncSpec', () => {
  it.each([
    ['the image entrypoint and cmd run when the task overrides neither', {}, ['/bin/entry', '--port', '80']],
    ['args replace the image cmd and keep its entrypoint', { args: ['--port', '8080'] }, ['/bin/entry', '--port', '8080']],
    ['command replaces the entrypoint and drops the image cmd', { command: ['/bin/sh', '-c', 'true'] }, ['/bin/sh', '-c', 'true']],
    ['command and args together replace both', { command: ['/bin/echo'], args: ['hi'] }, ['/bin/echo', 'hi']],
  ] as const)('%s', (_name, over, args) => {
    expect(buildRuncSpec(input({ container: container(over as Partial<ContainerSpec>) })).process.args).toEqual(args);
  });

  it('refuses a container with nothing to run, pointing at the command key', () => {
    expect(() => buildRuncSpec(input({ image: {} }))).toThrow(RuncSpecError);
    expect(() => buildRuncSpec(input({ image: {} }))).toThrow(/set command in the task file/);
  });

  it('merges env with the task winning over the image and bubo variables winning over both', () => {
    const spec = buildRuncSpec(input({ container: container({ env: { GREETING: 'hello', EXTRA: 'a=b', HOSTNAME: 'nope' } }) }));
    expect(spec.process.env).toEqual([
      'PATH=/bin',
      'GREETING=hello',
      'EXTRA=a=b',
      'HOSTNAME=shop-1a2b',
      'BUBO_INSTANCE=shop-1a2b',
      'BUBO_APP=shop',
    ]);
  });

  it('adds a default PATH when the image has none', () => {
    expect(buildRuncSpec(input({ image: { Cmd: ['x'] } })).process.env[0]).toBe('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  });

  it.each([
    ['the task workdir wins', { workdir: '/srv' }, {}, '/srv'],
    ['the image WorkingDir applies otherwise', {}, {}, '/www'],
    ['/ when neither sets one', {}, { WorkingDir: '' }, '/'],
  ] as const)('cwd: %s', (_name, over, image, cwd) => {
    const base = input();
    expect(buildRuncSpec({ ...base, container: container(over), image: { ...base.image, ...image } }).process.cwd).toBe(cwd);
  });

  it.each([
    ['root by default', null, undefined, { uid: 0, gid: 0 }],
    ['a numeric uid:gid as given', '1000:1001', undefined, { uid: 1000, gid: 1001 }],
    ['a numeric uid takes its passwd gid', '33', undefined, { uid: 33, gid: 34 }],
    ['a user name through /etc/passwd', 'www', undefined, { uid: 33, gid: 34 }],
    ['a user and group name', 'www:staff', undefined, { uid: 33, gid: 50 }],
    ['the image User when the task sets none', null, 'www', { uid: 33, gid: 34 }],
    ['the task user over the image User', '7', 'www', { uid: 7, gid: 0 }],
  ] as const)('user: %s', (_name, user, imageUser, expected) => {
    const base = input();
    expect(buildRuncSpec({ ...base, container: container({ user }), image: { ...base.image, User: imageUser } }).process.user).toEqual(expected);
  });

  it('fails clearly when a user name cannot be resolved', () => {
    expect(() => buildRuncSpec(input({ container: container({ user: 'nobody' }) }))).toThrow(/user "nobody" is not in the image's \/etc\/passwd/);
    expect(() => buildRuncSpec(input({ container: container({ user: 'www' }), accounts: { passwd: null, group: null } }))).toThrow(
      /the image has no \/etc\/passwd; use a numeric uid/,
    );
  });

  it('sets memory (with swap), cpu quota and pids limits from the task resources', () => {
    expect(buildRuncSpec(input()).linux.resources).toEqual({
      devices: [{ allow: false, access: 'rwm' }],
      memory: { limit: 268435456, swap: 268435456 },
      cpu: { quota: 50000, period: 100000 },
      pids: { limit: 1024 },
    });
  });

  it('joins the instance network namespace by path and owns pid, ipc, uts and mount namespaces', () => {
    const spec = buildRuncSpec(input());
    expect(spec.linux.namespaces).toEqual([
      { type: 'pid' },
      { type: 'network', path: '/var/run/netns/bubo-shop-1a2b' },
      { type: 'ipc' },
      { type: 'uts' },
      { type: 'mount' },
    ]);
    expect(spec.linux.cgroupsPath).toBe('/bubo/shop-1a2b/web');
    expect(spec.hostname).toBe('shop-1a2b');
    expect(spec.process.terminal).toBe(false);
    expect(spec.root).toEqual({ path: 'rootfs', readonly: false });
  });

  it("mounts runc's defaults plus resolv.conf and hosts read-only", () => {
    const mounts = buildRuncSpec(input()).mounts;
    expect(mounts.map((m) => m.destination)).toEqual([
      '/proc',
      '/dev',
      '/dev/pts',
      '/dev/shm',
      '/dev/mqueue',
      '/sys',
      '/sys/fs/cgroup',
      '/etc/resolv.conf',
      '/etc/hosts',
    ]);
    expect(mounts.find((m) => m.destination === '/sys')?.options).toContain('ro');
    expect(mounts.at(-2)).toEqual({ destination: '/etc/resolv.conf', type: 'bind', source: '/state/instances/shop-1a2b/resolv.conf', options: ['rbind', 'ro'] });
    expect(mounts.at(-1)).toEqual({ destination: '/etc/hosts', type: 'bind', source: '/state/instances/shop-1a2b/hosts.txt', options: ['rbind', 'ro'] });
  });

  it("masks and write-protects runc's default proc and sys paths", () => {
    const spec = buildRuncSpec(input());
    expect(spec.linux.maskedPaths).toContain('/proc/kcore');
    expect(spec.linux.readonlyPaths).toEqual(['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
  });

  describe('secrets', () => {
    const values = { TOKEN: 'tok-VALUE-1', DB_PASSWORD: "p'w\nd=x", TLS_KEY: '-----BEGIN KEY-----\nVALUE-2\n', UNUSED: 'VALUE-3', GREETING: 'VALUE-4' };
    const secretsOf = (secrets: ReturnType<typeof env | typeof file>[], over: Partial<ContainerSpec> = {}) =>
      buildRuncSpec(input({ container: container({ secrets, ...over }), secrets: values }));

    it.each<[string, ReturnType<typeof env | typeof file>[], Record<string, string>, string[]]>([
      ['none: the env of before', [], {}, ['PATH=/bin', 'GREETING=hi']],
      ['an env secret after the image and task variables', [env('TOKEN')], { MODE: 'task' }, ['PATH=/bin', 'GREETING=hi', 'MODE=task', 'TOKEN=tok-VALUE-1']],
      ['a secret wins over a task entry of its name, in that entry\'s place', [env('TOKEN')], { TOKEN: 'from-env', MODE: 'task' }, ['PATH=/bin', 'GREETING=hi', 'TOKEN=tok-VALUE-1', 'MODE=task']],
      ['a secret wins over an image variable of its name', [env('GREETING')], {}, ['PATH=/bin', 'GREETING=VALUE-4']],
      ['secrets in the order the task lists them, any bytes kept', [env('DB_PASSWORD'), env('TOKEN')], {}, ['PATH=/bin', 'GREETING=hi', "DB_PASSWORD=p'w\nd=x", 'TOKEN=tok-VALUE-1']],
      ['a file secret is not in the environment', [file('TLS_KEY', '/run/secrets/tls.key'), env('TOKEN')], {}, ['PATH=/bin', 'GREETING=hi', 'TOKEN=tok-VALUE-1']],
    ])('env: %s, then the variables bubo owns', (_name, secrets, taskEnv, before) => {
      expect(secretsOf(secrets, { env: taskEnv }).process.env).toEqual([...before, 'HOSTNAME=shop-1a2b', 'BUBO_INSTANCE=shop-1a2b', 'BUBO_APP=shop']);
    });

    it('cannot take over a variable bubo owns', () => {
      const spec = buildRuncSpec(input({ container: container({ secrets: [env('BUBO_APP')] }), secrets: { BUBO_APP: 'evil' } }));
      expect(spec.process.env).toContain('BUBO_APP=shop');
      expect(spec.process.env).not.toContain('BUBO_APP=evil');
    });

    it('bind-mounts each file secret read-only from the secrets directory, after the other mounts', () => {
      const spec = secretsOf([file('TLS_KEY', '/run/secrets/tls.key'), env('TOKEN'), file('DB_PASSWORD', '/etc/app/db password')]);
      expect(spec.mounts.slice(-3)).toEqual([
        { destination: '/etc/hosts', type: 'bind', source: '/state/instances/shop-1a2b/hosts.txt', options: ['rbind', 'ro'] },
        { destination: '/run/secrets/tls.key', type: 'bind', source: '/state/instances/shop-1a2b/web/secrets/TLS_KEY', options: SECRET_MOUNT_OPTIONS },
        { destination: '/etc/app/db password', type: 'bind', source: '/state/instances/shop-1a2b/web/secrets/DB_PASSWORD', options: SECRET_MOUNT_OPTIONS },
      ]);
      expect(JSON.stringify(spec.mounts)).not.toContain('VALUE');
      expect(spec.root.readonly).toBe(false); // runc creates the mountpoints in the writable root
    });

    it.each([
      ['an env secret', [env('TOKEN'), env('NOPE')]],
      ['a file secret', [env('TOKEN'), file('NOPE', '/run/nope')]],
    ])('refuses %s without a value, naming the container and the secret and no value', (_name, secrets) => {
      const error = (() => {
        try {
          secretsOf(secrets);
        } catch (e) {
          return e as Error;
        }
        throw new Error('buildRuncSpec did not throw');
      })();
      expect(error).toBeInstanceOf(RuncSpecError);
      expect(error.message).toBe('container "web": secret NOPE has no value');
      expect(error.message).not.toMatch(/VALUE/);
    });

    it('refuses a NUL byte in an env secret (runc would quote the value in its refusal), and takes it in a file', () => {
      const binary = (secrets: ReturnType<typeof env | typeof file>[]) => buildRuncSpec(input({ container: container({ secrets }), secrets: { BLOB: 'ab\u0000VALUE' } }));
      expect(() => binary([env('BLOB')])).toThrow('container "web": secret BLOB holds a NUL byte, which an environment variable cannot; deliver it as a file');
      expect(() => binary([env('BLOB')])).not.toThrow(/VALUE/);
      expect(binary([file('BLOB', '/run/secrets/blob')]).process.env.join('')).not.toContain('VALUE');
    });

    it('does not take a value from Object.prototype for a secret named like one of its keys', () => {
      expect(() => secretsOf([env('constructor')])).toThrow('container "web": secret constructor has no value');
    });
  });
});

describe('buildRuncSpec: volumes', () => {
  it('bind-mounts each volume read-write at its path, after bubo\'s own mounts', () => {
    const spec = buildRuncSpec(input({ volumes: [{ path: '/var/lib/postgresql/data', hostPath: '/var/lib/bubo/volumes/default.pg.data.0/mnt' }] }));
    expect(spec.mounts.at(-1)).toEqual({
      destination: '/var/lib/postgresql/data',
      type: 'bind',
      source: '/var/lib/bubo/volumes/default.pg.data.0/mnt',
      options: ['rbind', 'rw', 'nosuid', 'nodev'],
    });
  });
});
