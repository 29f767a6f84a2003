import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHECK_TIMEOUT_MS, DEFAULT_COMMAND_TIMEOUT_MS, MaintenanceConfigError, parseMaintenanceConfig } from './maintenance-config.js';
import { readMaintenanceConfig } from './read-maintenance-config.js';

const GOOD = `# what bubo op start maintain may run here
[commands.patch]
argv = ["/usr/bin/apt-get", "-y", "full-upgrade"]
timeout = "45m"
env = { DEBIAN_FRONTEND = "noninteractive" }

[commands.clean]
argv = ["/usr/bin/apt-get", "clean"]

[reboot]
argv = ["/usr/sbin/reboot"]

[[checks]]
name = "root filesystem writable"
argv = ["/usr/bin/test", "-w", "/"]
timeout = "1m30s"

[[checks]]
name = "nginx config"
argv = ["/usr/sbin/nginx", "-t"]
`;

function problemOf(text: string): string {
  try {
    parseMaintenanceConfig(text, 'maintenance.toml');
  } catch (error) {
    expect(error).toBeInstanceOf(MaintenanceConfigError);
    expect((error as MaintenanceConfigError).code).toBe('invalid_config');
    return (error as Error).message;
  }
  throw new Error('the file was accepted');
}

describe('parseMaintenanceConfig', () => {
  it('reads commands, the reboot argv and checks with their timeouts and environment', () => {
    const config = parseMaintenanceConfig(GOOD, '/etc/bubo/maintenance.toml');
    expect(config.file).toBe('/etc/bubo/maintenance.toml');
    expect([...config.commands]).toEqual([
      ['patch', { argv: ['/usr/bin/apt-get', '-y', 'full-upgrade'], timeoutMs: 45 * 60_000, env: { DEBIAN_FRONTEND: 'noninteractive' } }],
      ['clean', { argv: ['/usr/bin/apt-get', 'clean'], timeoutMs: DEFAULT_COMMAND_TIMEOUT_MS, env: {} }],
    ]);
    expect(config.reboot).toEqual(['/usr/sbin/reboot']);
    expect(config.checks).toEqual([
      { name: 'root filesystem writable', argv: ['/usr/bin/test', '-w', '/'], timeoutMs: 90_000 },
      { name: 'nginx config', argv: ['/usr/sbin/nginx', '-t'], timeoutMs: DEFAULT_CHECK_TIMEOUT_MS },
    ]);
  });

  it('defaults: an empty file allows no command, no check, and reboots with systemctl', () => {
    const config = parseMaintenanceConfig('', 'm.toml');
    expect(config.commands.size).toBe(0);
    expect(config.checks).toEqual([]);
    expect(config.reboot).toEqual(['systemctl', 'reboot']);
    expect(parseMaintenanceConfig('[reboot]\n', 'm.toml').reboot).toEqual(['systemctl', 'reboot']);
  });

  it('looks commands up in a Map, so that a name like "constructor" finds nothing', () => {
    expect(parseMaintenanceConfig(GOOD, 'm.toml').commands.get('constructor')).toBeUndefined();
  });

  it.each([
    ['an argv that is a string', '[commands.patch]\nargv = "apt-get upgrade"\n', 'maintenance.toml:2: commands.patch.argv: expected a non-empty array of strings'],
    ['an empty argv', '\n\n[commands.patch]\nargv = []\n', 'maintenance.toml:4: commands.patch.argv: expected a non-empty array of strings'],
    ['an argv with a number', '[commands.patch]\nargv = ["sleep", 5]\n', 'maintenance.toml:2: commands.patch.argv: expected a non-empty array of strings'],
    ['a command without argv', '[commands.patch]\ntimeout = "1m"\n', 'maintenance.toml:1: commands.patch.argv: expected a non-empty array of strings'],
    ['a timeout without a unit', '[commands.patch]\nargv = ["x"]\ntimeout = "10"\n', 'maintenance.toml:3: commands.patch.timeout: duration "10" has no unit; write "10s"'],
    ['a timeout that is no duration', '[commands.patch]\nargv = ["x"]\ntimeout = "soon"\n', 'maintenance.toml:3: commands.patch.timeout: "soon" is not a duration; write e.g. "500ms", "5s", "2m", "1h" or "1m30s"'],
    ['a zero timeout', '[commands.patch]\nargv = ["x"]\ntimeout = "0s"\n', 'maintenance.toml:3: commands.patch.timeout: must be more than 0s and at most 24h, not "0s"'],
    ['a timeout that is a number', '[commands.patch]\nargv = ["x"]\ntimeout = 60\n', 'maintenance.toml:3: commands.patch.timeout: expected a string, got number 60'],
    ['an env value that is not a string', '[commands.patch]\nargv = ["x"]\nenv = { N = 1 }\n', 'maintenance.toml:3: commands.patch.env.N: expected a string, got number 1'],
    ['a bad env name', '[commands.patch]\nargv = ["x"]\nenv = { "1X" = "y" }\n', 'maintenance.toml:3: commands.patch.env.1X: an environment variable name is letters, digits and "_", not starting with a digit'],
    ['a bad command name', '[commands."apt upgrade"]\nargv = ["x"]\n', 'maintenance.toml:1: commands["apt upgrade"]: a command name is up to 63 letters, digits and "_.-", starting with a letter or digit'],
    ['an unknown key in a command', '[commands.patch]\nargv = ["x"]\ntimout = "1m"\n', 'maintenance.toml:3: commands.patch.timout: unknown key; allowed here: argv, timeout, env'],
    ['an unknown top-level table', '[command.patch]\nargv = ["x"]\n', 'maintenance.toml:1: command: unknown key; allowed here: commands, reboot, checks'],
    ['a reboot argv that is empty', '[reboot]\nargv = []\n', 'maintenance.toml:2: reboot.argv: expected a non-empty array of strings'],
    ['an unknown key in reboot', '[reboot]\ncommand = ["reboot"]\n', 'maintenance.toml:2: reboot.command: unknown key; allowed here: argv'],
    ['a check without a name', '[[checks]]\nargv = ["true"]\n', 'maintenance.toml:1: checks[0].name: required but missing'],
    ['a check with an empty name', '[[checks]]\nname = ""\nargv = ["true"]\n', 'maintenance.toml:2: checks[0].name: must not be empty'],
    ['a second check of the same name', '[[checks]]\nname = "a"\nargv = ["true"]\n\n[[checks]]\nname = "a"\nargv = ["true"]\n', 'maintenance.toml:6: checks[1].name: "a" is already the name of an earlier check'],
    ['checks that are a table', '[checks]\nname = "a"\n', 'maintenance.toml:1: checks: expected an array, got a table'],
    ['a TOML syntax error', '[commands.patch]\nargv = ["x"\n', 'maintenance.toml:3: invalid TOML:'],
  ])('refuses %s, naming the file, the field and the line', (_what, text, expected) => {
    expect(problemOf(text)).toContain(expected);
  });

  it('lists every problem, one line each, in the order of the file', () => {
    expect(problemOf('[commands.a]\nargv = []\n\n[commands.b]\nargv = ["x"]\ntimeout = "x"\n').split('\n')).toEqual([
      'maintenance.toml:2: commands.a.argv: expected a non-empty array of strings',
      'maintenance.toml:6: commands.b.timeout: "x" is not a duration; write e.g. "500ms", "5s", "2m", "1h" or "1m30s"',
    ]);
  });
});

describe('readMaintenanceConfig', () => {
  it('reads the file, names it in its problems, and says so when it is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bubo-maintenance-file-'));
    try {
      const file = join(dir, 'maintenance.toml');
      await writeFile(file, '[commands.patch]\nargv = ["/bin/true"]\n');
      expect([...(await readMaintenanceConfig(file)).commands.keys()]).toEqual(['patch']);
      await writeFile(file, '[commands.patch]\n\nargv = "apt-get upgrade"\n');
      await expect(readMaintenanceConfig(file)).rejects.toThrow(`${file}:3: commands.patch.argv: expected a non-empty array of strings`);
      await expect(readMaintenanceConfig(join(dir, 'nope.toml'))).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringContaining(`--maintenance ${join(dir, 'nope.toml')}: no such file`) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the example in deploy/systemd', () => {
  it('is a valid maintenance file with a patch command and checks', async () => {
    const example = new URL('../../deploy/systemd/maintenance.toml.example', import.meta.url).pathname;
    const config = await readMaintenanceConfig(example);
    expect([...config.commands.keys()]).toEqual(['patch', 'refresh']);
    expect(config.checks.map((c) => c.name)).toEqual(['root filesystem writable', 'no failed systemd units']);
  });
});
