import { describe, expect, it } from 'vitest';
import type { ContainerSpec } from '../domain/task-spec.js';
import { buildRuncSpec } from '../oci/build-runc-spec.js';
import { buildRunConfig, RunConfigError, type RunConfigImage, type RunConfigInput } from './build-run-config.js';

const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;

const image = (over: Partial<RunConfigImage['config']> = {}, digest = DIGEST_A): RunConfigImage => ({
  digest,
  config: { Entrypoint: ['/bin/entry.sh'], Cmd: ['--port', '80'], Env: ['PATH=/usr/bin:/bin', 'MODE=image'], WorkingDir: '/www', ...over },
  accounts: { passwd: 'root:x:0:0::/root:/bin/sh\nweb:x:1000:1001::/home/web:/bin/sh\n', group: 'root:x:0:\nstaff:x:50:\n' },
});

const container = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({
  name: 'web',
  image: 'r/web:1',
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

const input = (containers: ContainerSpec[], images: RunConfigImage[], over: Partial<RunConfigInput> = {}): RunConfigInput => ({
  instanceId: 'shop-web-1',
  app: 'shop',
  containers,
  resources: { cpus: 1, memory_mib: 256, disk_mib: 512 },
  images,
  network: null,
  secrets: {},
  ...over,
});

describe('buildRunConfig', () => {
  it.each<[string, Partial<ContainerSpec>, Partial<RunConfigImage['config']>, string[], string, string]>([
    ['image entrypoint + cmd', {}, {}, ['/bin/entry.sh', '--port', '80'], '/www', '0:0'],
    ['args replace cmd only', { args: ['--port', '8080'] }, {}, ['/bin/entry.sh', '--port', '8080'], '/www', '0:0'],
    ['command replaces entrypoint and drops cmd', { command: ['/bin/sh', '-c', 'true'] }, {}, ['/bin/sh', '-c', 'true'], '/www', '0:0'],
    ['command + args', { command: ['/bin/echo'], args: ['hi'] }, {}, ['/bin/echo', 'hi'], '/www', '0:0'],
    ['task workdir wins', { workdir: '/srv' }, {}, ['/bin/entry.sh', '--port', '80'], '/srv', '0:0'],
    ['no workdir anywhere', {}, { WorkingDir: undefined }, ['/bin/entry.sh', '--port', '80'], '/', '0:0'],
    ['image user by name', {}, { User: 'web' }, ['/bin/entry.sh', '--port', '80'], '/www', '1000:1001'],
    ['task user:group by name', { user: 'web:staff' }, {}, ['/bin/entry.sh', '--port', '80'], '/www', '1000:50'],
    ['numeric uid without group', { user: '4242' }, {}, ['/bin/entry.sh', '--port', '80'], '/www', '4242:0'],
  ])('merges the process like the runc runtime: %s', (_name, spec, config, args, workdir, user) => {
    const run = buildRunConfig(input([container(spec)], [image(config)]));
    const c = run.containers[0];
    expect(c?.args).toEqual(args);
    expect(c?.workdir).toBe(workdir);
    expect(c?.user).toBe(user);
  });

  it('gives each volume the virtio serial of its position, and leaves volumes out when there are none', () => {
    const run = buildRunConfig(input([container()], [image()], { volumes: [{ name: 'data', path: '/data' }, { name: 'logs', path: '/var/log/app' }] }));
    expect(run.volumes).toEqual([
      { name: 'data', path: '/data', serial: 'bubo-vol0' },
      { name: 'logs', path: '/var/log/app', serial: 'bubo-vol1' },
    ]);
    expect('volumes' in buildRunConfig(input([container()], [image()]))).toBe(false);
  });

  it('orders env as image, task, secrets, then the variables bubo owns', () => {
    const run = buildRunConfig(
      input([container({ env: { MODE: 'task', TOKEN: 'from-env' }, secrets: [{ name: 'TOKEN', file: null }, { name: 'DB_PASSWORD', file: null }] })], [image()], {
        secrets: { TOKEN: 's3cret', DB_PASSWORD: "p'w\nd" },
        hostname: 'web-host',
      }),
    );
    expect(run.containers[0]?.env).toEqual([
      'PATH=/usr/bin:/bin',
      'MODE=task',
      'TOKEN=s3cret',
      "DB_PASSWORD=p'w\nd",
      'HOSTNAME=web-host',
      'BUBO_INSTANCE=shop-web-1',
      'BUBO_APP=shop',
    ]);
    expect(run.hostname).toBe('web-host');
  });

  it('gives containers of the same image one disk, in first-use order', () => {
    const run = buildRunConfig(
      input([container({ name: 'a' }), container({ name: 'b' }), container({ name: 'c' })], [image({}, DIGEST_B), image({}, DIGEST_A), image({}, DIGEST_B)]),
    );
    expect(run.imageDisks).toEqual([DIGEST_B, DIGEST_A]);
    expect(run.containers.map((c) => c.imageDisk)).toEqual([0, 1, 0]);
  });

  it('carries restart policy, stop timeout, the image stop signal and the network', () => {
    const network = { address: '10.88.1.5/24', gateway: '10.88.1.1', dns: ['10.88.1.1'], search: [], mtu: 1500 };
    const run = buildRunConfig(input([container({ restart: 'on-failure', stop_timeout_ms: 2500 })], [image({ StopSignal: 'SIGQUIT' })], { network }));
    expect(run).toMatchObject({ version: 1, instanceId: 'shop-web-1', hostname: 'shop-web-1', network });
    expect(run.containers[0]).toMatchObject({ restart: 'on-failure', stopTimeoutMs: 2500, stopSignal: 'SIGQUIT' });
  });

  it.each<[string, RunConfigInput, RegExp]>([
    ['a secret without a value', input([container({ secrets: [{ name: 'NOPE', file: null }] })], [image()]), /container "web": secret NOPE has no value/],
    ['a file secret without a value', input([container({ secrets: [{ name: 'NOPE', file: '/run/nope' }] })], [image()], { secrets: { OTHER: 'VALUE' } }), /^container "web": secret NOPE has no value$/],
    ['nothing to run', input([container()], [image({ Entrypoint: null, Cmd: null })]), /container "web" has nothing to run/],
    ['an unknown user', input([container({ user: 'ghost' })], [image()]), /container "web": user "ghost" is not in the image's \/etc\/passwd/],
    ['images and containers that do not pair up', input([container()], []), /one image per container/],
  ])('refuses %s with a RunConfigError', (_name, bad, message) => {
    expect(() => buildRunConfig(bad)).toThrow(RunConfigError);
    expect(() => buildRunConfig(bad)).toThrow(message);
  });

  it('gives the guest the same env as runc gets in config.json, secrets included', () => {
    const web = container({ env: { MODE: 'task', TOKEN: 'from-env' }, secrets: [{ name: 'TOKEN', file: null }, { name: 'KEY', file: '/k' }] });
    const secrets = { TOKEN: 's3cret', KEY: 'file-only' };
    const run = buildRunConfig(input([web], [image()], { secrets }));
    const runc = buildRuncSpec({
      ...{ instanceId: 'shop-web-1', app: 'shop', container: web, image: image().config, accounts: image().accounts },
      ...{ resources: { cpus: 1, memory_mib: 256, disk_mib: 512 }, netnsPath: '', cgroupsPath: '', resolvConfPath: '', hostsPath: '', secrets, secretsDir: '/s' },
    });
    expect(run.containers[0]?.env).toEqual(runc.process.env);
    expect(run.containers[0]?.env.join('\n')).not.toContain('file-only');
  });

  it('lists file secrets by path and config-disk file, without their values and not in the env', () => {
    const run = buildRunConfig(
      input(
        [
          container({ name: 'web', secrets: [{ name: 'TLS_KEY', file: '/run/secrets/tls.key' }, { name: 'TOKEN', file: null }] }),
          container({ name: 'plain' }),
          container({ name: 'side', user: 'web', secrets: [{ name: 'TLS_KEY', file: '/etc/side/key' }, { name: 'DB', file: '/etc/side/db pass' }] }),
        ],
        [image(), image(), image()],
        { secrets: { TLS_KEY: 'KEY-VALUE', TOKEN: 'TOKEN-VALUE', DB: 'DB-VALUE' } },
      ),
    );
    expect(run.containers.map((c) => c.secretFiles)).toEqual([
      [{ name: 'TLS_KEY', path: '/run/secrets/tls.key', file: 'c0-TLS_KEY.secret' }],
      undefined, // absent, as in files written before secret files existed
      [
        { name: 'TLS_KEY', path: '/etc/side/key', file: 'c2-TLS_KEY.secret' },
        { name: 'DB', path: '/etc/side/db pass', file: 'c2-DB.secret' },
      ],
    ]);
    expect('secretFiles' in (run.containers[1] as object)).toBe(false);
    expect(run.containers[0]?.env).toContain('TOKEN=TOKEN-VALUE');
    const json = JSON.stringify(run);
    expect(json).not.toContain('KEY-VALUE');
    expect(json).not.toContain('DB-VALUE');
  });
});
