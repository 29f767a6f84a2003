import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guestFiles, imageDiskLabel, stopSignal } from './guest-files.js';
import type { RunConfig } from './run-config.js';

const DIGEST_A = `sha256:${'a1'.repeat(32)}`;
const DIGEST_B = `sha256:${'b2'.repeat(32)}`;

const config: RunConfig = {
  version: 1,
  instanceId: 'web-1',
  hostname: 'web-1',
  network: { address: '10.88.1.5/24', gateway: '10.88.1.1', dns: ['10.88.1.1'], search: ['default.bubo.internal'], mtu: 1450 },
  containers: [
    { name: 'web', imageDisk: 0, args: ['/bin/entry.sh', "it's a \"test\"", ''], env: ['PATH=/bin', 'SECRET=a b\nc'], workdir: '/www', user: '1000:1001', restart: 'always', stopTimeoutMs: 5000, stopSignal: 'SIGQUIT' },
    { name: 'side', imageDisk: 1, args: ['sleep', '1'], env: [], workdir: 'data', user: '0:0', restart: 'never', stopTimeoutMs: 1000 },
  ],
  imageDisks: [DIGEST_A, DIGEST_B],
};

describe('guestFiles', () => {
  it('writes the JSON, the shell forms and the /etc files', () => {
    const files = guestFiles(config);
    expect(Object.keys(files).sort()).toEqual(['c0.sh', 'c1.sh', 'hostname', 'hosts', 'resolv.conf', 'run.json', 'run.sh']);
    expect(JSON.parse(files['run.json'] as string)).toEqual(config);
    expect(files['resolv.conf']).toBe('nameserver 10.88.1.1\nsearch default.bubo.internal\noptions ndots:1\n');
    expect(files.hosts).toContain('10.88.1.5\tweb-1\n');
    expect(files.hostname).toBe('web-1\n');
  });

  it.runIf(existsSync('/bin/busybox'))('gives busybox sh the exact values when sourced', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bubo-guest-files-'));
    try {
      for (const [name, content] of Object.entries(guestFiles(config))) writeFileSync(join(dir, name), content);
      const script = `d=$1; . "$d/run.sh"; . "$d/c0.sh"
        printf '%s\\0' "$BUBO_RUN_VERSION" "$BUBO_ADDRESS" "$BUBO_GATEWAY" "$BUBO_MTU" "$BUBO_CONTAINERS" "$BUBO_IMAGE_LABELS" "$C_NAME" "$C_IMAGE" "$C_WORKDIR" "$C_UID" "$C_GID" "$C_RESTART" "$C_STOP_MS" "$C_STOP_SIGNAL"
        eval "set -- $C_ENV"; printf 'env:%s\\0' "$@"; eval "set -- $C_ARGS"; printf 'arg:%s\\0' "$@"
        . "$d/c1.sh"; printf '%s\\0' "$C_WORKDIR" "$C_STOP_SIGNAL"`;
      const out = execFileSync('/bin/busybox', ['sh', '-c', script, 'sh', dir], { encoding: 'utf8' }).split('\0').slice(0, -1);
      expect(out).toEqual([
        '1', '10.88.1.5/24', '10.88.1.1', '1450', '2', `bi${'a1'.repeat(7)} bi${'b2'.repeat(7)}`,
        'web', '0', '/www', '1000', '1001', 'always', '5000', 'QUIT',
        'env:PATH=/bin', 'env:SECRET=a b\nc', "arg:/bin/entry.sh", 'arg:it\'s a "test"', 'arg:',
        '/data', 'TERM',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the network empty when the instance has no NIC', () => {
    const files = guestFiles({ ...config, network: null });
    expect(files['run.sh']).toContain("BUBO_ADDRESS=''\n");
    expect(files['resolv.conf']).toBe('');
  });
});

describe('guestFiles with file secrets', () => {
  const withSecrets: RunConfig = {
    ...config,
    containers: [
      { ...(config.containers[0] as RunConfig['containers'][number]), secretFiles: [{ name: 'TLS_KEY', path: '/run/secrets/tls.key', file: 'c0-TLS_KEY.secret' }, { name: 'DB', path: "/etc/it's a dir/db", file: 'c0-DB.secret' }] },
      config.containers[1] as RunConfig['containers'][number],
    ],
  };
  const secrets = { TLS_KEY: '-----BEGIN KEY-----\nKEY-VALUE\n', DB: "DB-VALUE 'x'\0y", UNUSED: 'UNUSED-VALUE' };

  it('writes each value as its own file, and nowhere else', () => {
    const files = guestFiles(withSecrets, secrets);
    expect(files['c0-TLS_KEY.secret']).toBe(secrets.TLS_KEY);
    expect(files['c0-DB.secret']).toBe(secrets.DB);
    for (const [name, content] of Object.entries(files)) {
      if (name.endsWith('.secret')) continue;
      expect(content, name).not.toMatch(/KEY-VALUE|DB-VALUE|UNUSED-VALUE/);
    }
    expect(JSON.parse(files['run.json'] as string)).toEqual(withSecrets);
    expect(files['c1.sh']).toContain("C_SECRET_FILES=''\n");
  });

  it('refuses a listed secret without a value, naming it and no value', () => {
    expect(() => guestFiles(withSecrets, { TLS_KEY: 'KEY-VALUE' })).toThrow(/^container "web": secret DB has no value for the config disk$/);
  });

  it.runIf(existsSync('/bin/busybox'))('gives busybox sh the pairs of config-disk file and container path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bubo-guest-files-'));
    try {
      writeFileSync(join(dir, 'c0.sh'), guestFiles(withSecrets, secrets)['c0.sh'] as string);
      const out = execFileSync('/bin/busybox', ['sh', '-c', '. "$1/c0.sh"; eval "set -- $C_SECRET_FILES"; printf "%s\\0" "$@"', 'sh', dir], { encoding: 'utf8' });
      expect(out.split('\0').slice(0, -1)).toEqual(['c0-TLS_KEY.secret', '/run/secrets/tls.key', 'c0-DB.secret', "/etc/it's a dir/db"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('imageDiskLabel', () => {
  it('is bi + 14 hex digits (an ext4 label holds 16 characters)', () => {
    expect(imageDiskLabel(DIGEST_A)).toBe(`bi${'a1'.repeat(7)}`);
    expect(imageDiskLabel(DIGEST_A)).toHaveLength(16);
  });
  it('refuses what is not a sha256 digest', () => {
    expect(() => imageDiskLabel('sha256:xyz')).toThrow(/not an image digest/);
  });
});

describe('stopSignal', () => {
  it.each([
    [undefined, 'TERM'],
    ['SIGQUIT', 'QUIT'],
    ['sigint', 'INT'],
    ['9', '9'],
    ['SIGRTMIN+3', 'RTMIN+3'],
    ['$(reboot)', 'TERM'],
  ])('%s → %s', (input, expected) => {
    expect(stopSignal(input)).toBe(expected);
  });
});

describe('guestFiles volumes', () => {
  it.runIf(existsSync('/bin/busybox'))('gives busybox sh the volumes as pairs of virtio serial and container path, none when there are none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bubo-guest-files-'));
    try {
      const withVolumes: RunConfig = { ...config, volumes: [{ name: 'data', path: '/var/lib/postgresql/data', serial: 'bubo-vol0' }, { name: 'wal', path: "/srv/it's wal", serial: 'bubo-vol1' }] };
      const pairs = (files: Record<string, string>) => {
        writeFileSync(join(dir, 'run.sh'), files['run.sh'] as string);
        return execFileSync('/bin/busybox', ['sh', '-c', '. "$1/run.sh"; eval "set -- $BUBO_VOLUMES"; [ "$#" -eq 0 ] || printf "%s\\0" "$@"', 'sh', dir], { encoding: 'utf8' }).split('\0').slice(0, -1);
      };
      expect(pairs(guestFiles(withVolumes))).toEqual(['bubo-vol0', '/var/lib/postgresql/data', 'bubo-vol1', "/srv/it's wal"]);
      expect(pairs(guestFiles(config))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
