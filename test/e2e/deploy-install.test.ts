import { existsSync } from 'node:fs';
import { cp, lstat, mkdir, mkdtemp, readFile, readlink, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../src/exec/run-command.js';
import { runCommand } from '../../src/exec/run-command.js';

/**
 * The install of bubo on a Debian 12 server (deploy/): the systemd units, install.sh and the
 * Ansible roles, run for real into temporary roots (`--prefix`, `bubo_root`) and as
 * `--dry-run`/`--check` against this machine, which must stay untouched.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'bjt_TEST-SECRET-join-token-4711';
const FINGERPRINT = 'sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';
const SERVER = 'https://bubo-server.test:7443';
/** The units' command lines (systemd expands ${VAR} to one argument, $VAR to zero or more). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: systemd's ${VAR} syntax, not a JS template.
const AGENT_EXEC = '/usr/local/bin/bubo agent --server ${BUBO_SERVER} --join ${BUBO_JOIN_TOKEN} --ca-fingerprint ${BUBO_CA_FINGERPRINT} --state-dir /var/lib/bubo/agent $BUBO_AGENT_ARGS';
// biome-ignore lint/suspicious/noTemplateCurlyInString: systemd's ${VAR} syntax, not a JS template.
const SERVER_EXEC = '/usr/local/bin/bubo server --state-dir /var/lib/bubo/server --listen 127.0.0.1:7070 --tls-listen ${BUBO_TLS_LISTEN} $BUBO_SERVER_ARGS';
/** What the install (or Ansible, by default) would write on this machine itself; none of it may appear. */
const REAL_PATHS = ['/etc/bubo', '/opt/bubo', '/usr/local/lib/systemd/system/bubo-agent.service', '/usr/local/lib/systemd/system/bubo-server.service', join(homedir(), '.ansible')];

const has = (tool: string) => ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((dir) => existsSync(join(dir, tool)));
const withAnsible = has('ansible-playbook');
const withSystemdAnalyze = has('systemd-analyze');
const withShellcheck = has('shellcheck');

function run(argv: [string, ...string[]], env: Record<string, string> = {}, timeoutMs = 300_000): Promise<CommandResult> {
  return runCommand({ argv, env, timeoutMs, okExitCodes: [1, 2] });
}

/** `Key=value` lines of one section of a unit file (comments and blank lines dropped). */
function unitSettings(text: string, section: string): [string, string][] {
  let current = '';
  const out: [string, string][] = [];
  for (const line of text.split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line.trim());
    if (header) current = header[1] ?? '';
    else if (current === section && /^\w+=/.test(line)) out.push([line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  }
  return out;
}

/** Every path under `root` with its type and, for files, its mode and contents' size and mtime: equal listings mean nothing was written. */
async function snapshot(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const s = await lstat(path);
      out.push(`${path.slice(root.length)} ${s.isSymbolicLink() ? `-> ${await readlink(path)}` : `${s.mode.toString(8)} ${s.size} ${s.mtimeMs}`}`);
      if (s.isDirectory() && !path.endsWith('node_modules')) await walk(path);
    }
  };
  await walk(root);
  return out;
}

describe('installing bubo on a server (deploy/)', () => {
  let dir: string;
  const realPathsBefore = REAL_PATHS.filter((p) => existsSync(p));

  let tarball: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-install-'));
    if (!withAnsible) return;
    // For the Ansible roles: a release tarball, inventories of this machine.
  tarball = join(dir, 'bubo.tar.gz');
  const built = await run([join(REPO, 'deploy/build-release.sh'), '--tarball', tarball]);
  expect(built.stderr).toBe('');
  // Ansible's own files (temporary modules, its home) go to the test directory; the token comes from the environment.
  env = {
    ANSIBLE_HOME: join(dir, 'ansible'),
    ANSIBLE_LOCAL_TEMP: join(dir, 'ansible/local'),
    ANSIBLE_REMOTE_TMP: join(dir, 'ansible/remote'),
    ANSIBLE_CONFIG: join(dir, 'ansible.cfg'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_PIPELINING: '1',
    // No facts (faster; the roles need only ansible_service_mgr, which decides whether to run
    // systemctl, and without it they do not, as on this machine without systemd).
    ANSIBLE_GATHERING: 'explicit',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    BUBO_TEST_TOKEN: TOKEN,
  };
  await writeFile(join(dir, 'ansible.cfg'), '[defaults]\n');
  const local = 'ansible_connection=local ansible_python_interpreter=/usr/bin/python3';
  await writeFile(join(dir, 'site.ini'), `[bubo_servers]\nlocalhost ${local}\n[bubo_agents_web]\nlocalhost ${local}\n[bubo_agents:children]\nbubo_agents_web\n`);
  await writeFile(join(dir, 'agents.ini'), `[bubo_agents_web]\nlocalhost ${local}\n[bubo_agents:children]\nbubo_agents_web\n`);
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    // Nothing of the install reached the real root of this machine.
    expect(REAL_PATHS.filter((p) => existsSync(p))).toEqual(realPathsBefore);
  });

  it('the agent unit leaves instances running when the agent stops (KillMode=process) and delegates cgroups', async () => {
    const unit = await readFile(join(REPO, 'deploy/systemd/bubo-agent.service'), 'utf8');
    const service = unitSettings(unit, 'Service');
    const value = (key: string) => service.filter(([k]) => k === key).map(([, v]) => v);
    expect(value('KillMode')).toEqual(['process']);
    expect(value('Delegate')).toEqual(['yes']);
    expect(value('Restart')).toEqual(['on-failure']);
    expect(value('ExecStart')).toEqual([AGENT_EXEC]);
    expect(value('EnvironmentFile')).toEqual(['/etc/bubo/agent.env']);
    // Anything giving the agent a mount namespace of its own would hide its netns and overlay mounts from the next agent.
    const sandboxing = service.map(([k]) => k).filter((k) => /^(Protect|Private|ReadOnly|ReadWrite|Inaccessible|Temporary|Bind|MountFlags|CapabilityBoundingSet|NoNewPrivileges|SystemCallFilter|RestrictNamespaces|DynamicUser)/.test(k));
    expect(sandboxing).toEqual([]);
    expect(unitSettings(unit, 'Unit')).toEqual(expect.arrayContaining([['After', 'network-online.target'], ['Wants', 'network-online.target']]));
  });

  it('the server unit runs unprivileged on the fixed command line', async () => {
    const service = unitSettings(await readFile(join(REPO, 'deploy/systemd/bubo-server.service'), 'utf8'), 'Service');
    expect(service).toEqual(
      expect.arrayContaining([
        ['ExecStart', SERVER_EXEC],
        ['EnvironmentFile', '/etc/bubo/server.env'],
        ['DynamicUser', 'yes'],
        ['StateDirectory', 'bubo/server'],
        ['CapabilityBoundingSet', ''],
      ]),
    );
  });

  it('install.sh --dry-run prints every step, writes nothing and never prints the token', async () => {
    const root = join(dir, 'dry');
    const result = await run([join(REPO, 'deploy/install.sh'), 'agent', '--server', SERVER, '--ca-fingerprint', FINGERPRINT, '--lb', '--prefix', root, '--dry-run'], { BUBO_JOIN_TOKEN: TOKEN });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    for (const step of ['1. Debian packages (agent lb)', '2. the release', '3. /usr/local/lib/systemd/system/bubo-agent.service', '4. /etc/bubo/agent.env', '5. systemd']) {
      expect(result.stdout).toContain(step);
    }
    expect(result.stdout).toContain('nginx');
    expect(result.stdout).toContain(`BUBO_SERVER=${SERVER}`);
    expect(result.stdout).toContain('BUBO_JOIN_TOKEN=<the token>');
    expect(result.stdout).toContain('systemctl enable --now bubo-agent.service');
    expect(result.stdout).not.toContain(TOKEN);
    expect(existsSync(root)).toBe(false);
  });

  it('install.sh refuses an agent without a join token, naming the flag, and writes nothing', async () => {
    const root = join(dir, 'refused');
    const result = await run([join(REPO, 'deploy/install.sh'), 'agent', '--server', SERVER, '--ca-fingerprint', FINGERPRINT, '--prefix', root], { BUBO_JOIN_TOKEN: '' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/--join TOKEN is required/);
    expect(existsSync(root)).toBe(false);
    const bad = await run([join(REPO, 'deploy/install.sh'), 'agent', '--server', 'http://plain:7070', '--join', TOKEN, '--ca-fingerprint', FINGERPRINT, '--prefix', root, '--dry-run']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('--server "http://plain:7070" is not an https:// URL');
  });

  it(
    'install.sh agent --prefix installs the release, the command, the unit and the env file (0600), and a second run changes nothing',
    async () => {
      const root = join(dir, 'root');
      const argv: [string, ...string[]] = [join(REPO, 'deploy/install.sh'), 'agent', '--server', SERVER, '--join', TOKEN, '--ca-fingerprint', FINGERPRINT, '--agent-args', '--address 192.0.2.11', '--prefix', root];
      const first = await run(argv);
      expect(first.stderr).toBe('');
      expect(first.exitCode).toBe(0);
      expect(first.stdout).not.toContain(TOKEN);
      expect(first.stdout).toContain('on the target run:');

      const current = await readlink(join(root, 'opt/bubo/current'));
      expect(current).toMatch(/^releases\/[0-9a-f]{12}$/);
      expect(await readlink(join(root, 'usr/local/bin/bubo'))).toBe('/opt/bubo/current/bin/bubo.js');
      expect(await readFile(join(root, 'usr/local/lib/systemd/system/bubo-agent.service'), 'utf8')).toBe(await readFile(join(REPO, 'deploy/systemd/bubo-agent.service'), 'utf8'));
      const envFile = join(root, 'etc/bubo/agent.env');
      expect((await stat(envFile)).mode & 0o777).toBe(0o600);
      const settings = (await readFile(envFile, 'utf8')).split('\n').filter((l) => /^BUBO_\w+=/.test(l));
      expect(settings).toEqual([`BUBO_SERVER=${SERVER}`, `BUBO_JOIN_TOKEN=${TOKEN}`, `BUBO_CA_FINGERPRINT=${FINGERPRINT}`, 'BUBO_AGENT_ARGS=--address 192.0.2.11']);
      // The installed tree runs on its own (its production packages, no sources).
      const version = await run([process.execPath, join(root, 'opt/bubo', current, 'bin/bubo.js'), '--version']);
      expect(version.stdout.trim()).toBe(JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')).version);
      expect(existsSync(join(root, 'opt/bubo', current, 'src'))).toBe(false);
      expect(existsSync(join(root, 'opt/bubo', current, 'node_modules/vitest'))).toBe(false);

      const before = await snapshot(root);
      const second = await run(argv);
      expect(second.exitCode).toBe(0);
      expect(second.stdout).toMatch(/already in \/opt\/bubo\/releases/);
      expect(second.stdout).toContain('bubo-agent.service is up to date');
      expect(second.stdout).toContain('/etc/bubo/agent.env is up to date');
      expect(await snapshot(root)).toEqual(before);
    },
    300_000,
  );

  it.skipIf(!withSystemdAnalyze)(
    'systemd-analyze verify accepts both installed units without a warning (skipped without systemd-analyze)',
    async () => {
      // A root holding the install of the previous test, Debian's own units and the server's files.
      const root = join(dir, 'root');
      await mkdir(join(root, 'usr/lib/systemd'), { recursive: true });
      await cp('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
      await cp(join(REPO, 'deploy/systemd/bubo-server.service'), join(root, 'usr/local/lib/systemd/system/bubo-server.service'));
      await writeFile(join(root, 'etc/bubo/server.env'), 'BUBO_TLS_LISTEN=0.0.0.0:7443\n');
      const verify = await run(['systemd-analyze', 'verify', `--root=${root}`, 'bubo-agent.service', 'bubo-server.service']);
      expect(verify.stderr).toBe('');
      expect(verify.exitCode).toBe(0);
    },
    120_000,
  );

  it.skipIf(!withShellcheck)('install.sh, build-release.sh and the scripts pass shellcheck (skipped without shellcheck)', async () => {
    const scripts = ['deploy/install.sh', 'deploy/build-release.sh', ...(await readdir(join(REPO, 'scripts'))).filter((f) => f.endsWith('.sh')).map((f) => `scripts/${f}`)];
    const result = await run(['shellcheck', ...scripts.map((f) => join(REPO, f))]);
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(0);
  });

  describe.skipIf(!withAnsible)('the Ansible roles (skipped without ansible-playbook)', () => {
    const playbook = join(REPO, 'deploy/ansible/site.yml');
    const vars = ['-e', JSON.stringify({ bubo_agent_server: SERVER, bubo_agent_ca_fingerprint: FINGERPRINT, bubo_agent_args: '--address 192.0.2.12' })];


    const token = ['-e', "bubo_agent_join_token={{ lookup('ansible.builtin.env', 'BUBO_TEST_TOKEN') }}"];

    it('the sample playbook and inventory pass --syntax-check', async () => {
      const result = await run(['ansible-playbook', '-i', join(REPO, 'deploy/ansible/inventory.example.ini'), playbook, '--syntax-check'], env);
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
    });

    it(
      '--check --diff against this machine would install the unit and the env file, shows the unit, never the token, and changes nothing',
      async () => {
        const result = await run(['ansible-playbook', '-i', join(dir, 'site.ini'), playbook, '--check', '--diff', '-e', `bubo_release_tarball=${tarball}`, ...vars, ...token], env);
        expect(result.stdout).toContain('failed=0');
        expect(result.exitCode).toBe(0);
        expect(result.stdout).toMatch(/TASK \[bubo_agent : The unit bubo-agent\.service\][^\n]*\n--- before\n\+\+\+ after[^\n]*\n@@ -0,0 \+1,\d+ @@/);
        expect(result.stdout).toContain('+KillMode=process');
        expect(result.stdout).toContain(`+ExecStart=${AGENT_EXEC}`);
        expect(result.stdout).toContain(`+ExecStart=${SERVER_EXEC}`);
        expect(result.stdout).toContain('+BUBO_TLS_LISTEN=0.0.0.0:7443');
        expect(result.stdout).toMatch(/TASK \[bubo_agent : The settings \/etc\/bubo\/agent\.env, with the join token\][^\n]*\nchanged: \[localhost\]/);
        expect(result.stdout + result.stderr).not.toContain(TOKEN);
      },
      300_000,
    );

    it(
      'a real run into a temporary root writes the env file with the token (0600) and the unit, and a second run changes nothing',
      async () => {
        const root = join(dir, 'ansible-root');
        await mkdir(root);
        const argv: [string, ...string[]] = ['ansible-playbook', '-i', join(dir, 'agents.ini'), playbook, '-e', `bubo_root=${root}`, '-e', `bubo_release_tarball=${tarball}`, ...vars, ...token];
        const first = await run(argv, env);
        expect(first.stdout).toMatch(/localhost\s+: ok=\d+\s+changed=[1-9]\d*\s+unreachable=0\s+failed=0/);
        expect(first.stdout + first.stderr).not.toContain(TOKEN);
        const envFile = join(root, 'etc/bubo/agent.env');
        expect((await stat(envFile)).mode & 0o777).toBe(0o600);
        expect((await readFile(envFile, 'utf8')).split('\n').filter((l) => /^BUBO_\w+=/.test(l))).toEqual([
          `BUBO_SERVER=${SERVER}`,
          `BUBO_JOIN_TOKEN=${TOKEN}`,
          `BUBO_CA_FINGERPRINT=${FINGERPRINT}`,
          'BUBO_AGENT_ARGS=--address 192.0.2.12',
        ]);
        expect(await readFile(join(root, 'usr/local/lib/systemd/system/bubo-agent.service'), 'utf8')).toBe(await readFile(join(REPO, 'deploy/systemd/bubo-agent.service'), 'utf8'));
        expect(await readlink(join(root, 'usr/local/bin/bubo'))).toBe('/opt/bubo/current/bin/bubo.js');
        const current = await readlink(join(root, 'opt/bubo/current'));
        expect(existsSync(join(root, 'opt/bubo', current, 'bin/bubo.js'))).toBe(true);

        const second = await run(argv, env);
        expect(second.stdout).toMatch(/localhost\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0/);
      },
      300_000,
    );
  });
});
