import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FieldProblem } from '../errors/invalid-request-error.js';
import { TaskFileError } from '../errors/task-file-error.js';
import { AST_LOCATED_MAX, parseTaskFile } from './parse-task-file.js';
import type { TaskSpec } from '../domain/task-spec.js';

const EXAMPLE = readFileSync(new URL('../../examples/hello/bubo.toml', import.meta.url), 'utf8');

const MINIMAL = `app = "shop"
group = "web"

[[containers]]
name = "web"
image = "shop:1.0"
`;

/** The problems `parseTaskFile` reports for `text`; fails the test when it does not throw. */
function problemsOf(text: string): FieldProblem[] {
  try {
    parseTaskFile(text);
  } catch (error) {
    expect(error).toBeInstanceOf(TaskFileError);
    return (error as TaskFileError).problems;
  }
  throw new Error('expected a TaskFileError');
}

function onlyProblem(text: string): FieldProblem {
  const problems = problemsOf(text);
  expect(problems).toHaveLength(1);
  return problems[0]!;
}

describe('parseTaskFile', () => {
  it('parses the example into the full TaskSpec', () => {
    const expected: TaskSpec = {
      app: 'hello',
      namespace: 'default',
      group: 'web',
      count: 2,
      runtime: 'microvm',
      resources: { cpus: 0.5, memory_mib: 256, disk_mib: 1024 },
      containers: [
        {
          name: 'web',
          image: 'registry.internal:5000/hello:1.0',
          command: ['/app/hello'],
          args: ['--listen', ':8080'],
          env: { GREETING: 'hello', LOG_LEVEL: 'info' },
          workdir: null,
          user: null,
          secrets: [{ name: 'SESSION_KEY', file: null }],
          restart: 'always',
          stop_timeout_ms: 15_000,
        },
      ],
      ports: [{ name: 'http', port: 8080, protocol: 'http', public: { host: 'hello.example.com', port: 80, tls: null } }],
      check: {
        kind: 'http',
        port: 'http',
        path: '/healthz',
        expect: 'ok',
        command: null,
        interval_ms: 5000,
        timeout_ms: 1000,
        healthy_threshold: 1,
        unhealthy_threshold: 3,
        grace_period_ms: 10_000,
      },
      deploy: { strategy: 'rolling', max_unavailable: 0, max_surge: 1, healthy_deadline_ms: 120_000, drain_delay_ms: 2_000, switch_grace_ms: 30_000 },
      volumes: [{ name: 'data', size_mib: 2048, path: '/var/lib/hello' }],
    };
    expect(parseTaskFile(EXAMPLE)).toEqual(expected);
  });

  it('fills in every default of a minimal file', () => {
    expect(parseTaskFile(MINIMAL)).toEqual({
      app: 'shop',
      namespace: 'default',
      group: 'web',
      count: 1,
      runtime: 'microvm',
      resources: { cpus: 1, memory_mib: 256, disk_mib: 1024 },
      containers: [
        {
          name: 'web',
          image: 'shop:1.0',
          command: null,
          args: null,
          env: {},
          workdir: null,
          user: null,
          secrets: [],
          restart: 'always',
          stop_timeout_ms: 10_000,
        },
      ],
      ports: [],
      check: null,
      deploy: { strategy: 'rolling', max_unavailable: 0, max_surge: 1, healthy_deadline_ms: 300_000, drain_delay_ms: 2_000, switch_grace_ms: 30_000 },
      volumes: [],
    } satisfies TaskSpec);
  });

  it('fills in check defaults and normalises tcp and exec checks', () => {
    const tcp = parseTaskFile(`${MINIMAL}\n[[ports]]\nname = "db"\nport = 5432\nprotocol = "tcp"\n\n[check]\ntcp = { port = "db" }\n`);
    expect(tcp.check).toEqual({
      kind: 'tcp',
      port: 'db',
      path: null,
      expect: null,
      command: null,
      interval_ms: 10_000,
      timeout_ms: 2000,
      healthy_threshold: 1,
      unhealthy_threshold: 3,
      grace_period_ms: 0,
    });
    const exec = parseTaskFile(`${MINIMAL}\n[check]\nexec = { command = ["pg_isready"] }\ninterval = "1m"\n`);
    expect(exec.check).toMatchObject({ kind: 'exec', port: null, command: ['pg_isready'], interval_ms: 60_000 });
    const http = parseTaskFile(`${MINIMAL}\n[[ports]]\nname = "http"\nport = 80\n\n[check.http]\nport = "http"\n`);
    expect(http.check).toMatchObject({ kind: 'http', port: 'http', path: '/', expect: null });
  });

  it('defaults a public port to 80, or 443 with tls', () => {
    const spec = parseTaskFile(`${MINIMAL}
[[ports]]
name = "http"
port = 8080
public = { host = "shop.example.com" }

[[ports]]
name = "https"
port = 8443
public = { host = "shop.example.com", tls = { cert = "/etc/bubo/shop.crt", key = "/etc/bubo/shop.key" } }

[[ports]]
name = "alt"
port = 9000
protocol = "tcp"
public = { host = "shop.example.com", port = 9000 }
`);
    expect(spec.ports.map((port) => port.public)).toEqual([
      { host: 'shop.example.com', port: 80, tls: null },
      { host: 'shop.example.com', port: 443, tls: { cert: '/etc/bubo/shop.crt', key: '/etc/bubo/shop.key' } },
      { host: 'shop.example.com', port: 9000, tls: null },
    ]);
  });

  it('reports malformed TOML as one problem at the parser position', () => {
    expect(onlyProblem('app = "shop"\ngroup = web\n')).toEqual({
      path: '',
      message: 'invalid TOML: unexpected character',
      line: 2,
      column: 9,
    });
    expect(onlyProblem('app = "shop"\ngroup = "web\n')).toMatchObject({ message: 'invalid TOML: unterminated string constant', line: 2 });
    expect(onlyProblem('app = "a"\napp = "b"\n')).toMatchObject({ line: 2, column: 1 });
  });

  it('reports an unknown key at its line with a suggestion', () => {
    const text = MINIMAL.replace('[[containers]]', 'count = 2\n\n\ncontaners = []\n\n[[containers]]');
    expect(onlyProblem(text)).toEqual({
      path: 'contaners',
      message: 'unknown key "contaners"; did you mean "containers"?',
      line: 7,
      column: 1,
    });
  });

  it('reports an unknown nested key with the keys of its own table as suggestions', () => {
    expect(onlyProblem(`${MINIMAL}imgae = "x:1"\n`)).toEqual({
      path: 'containers[0].imgae',
      message: 'unknown key "imgae" in containers[0]; did you mean "image"?',
      line: 7,
      column: 1,
    });
    expect(problemsOf(`${MINIMAL}\n[[ports]]\nname = "http"\nport = 80\npublic = { hots = "a.b" }\n`)).toEqual([
      { path: 'ports[0].public.host', message: 'required but missing', line: 11, column: 1 },
      {
        path: 'ports[0].public.hots',
        message: 'unknown key "hots" in ports[0].public; did you mean "host"?',
        line: 11,
        column: 12,
      },
    ]);
    expect(onlyProblem(`${MINIMAL}\n[resources]\nbananas = 1\n`).message).toBe('unknown key "bananas" in resources');
  });

  it('reports a wrong type at the value', () => {
    expect(onlyProblem(MINIMAL.replace('group = "web"', 'group = "web"\ncount = "3"'))).toEqual({
      path: 'count',
      message: 'expected a number, got the string "3"',
      line: 3,
      column: 9,
    });
    expect(onlyProblem(`${MINIMAL}command = "/app/server"\n`)).toMatchObject({
      path: 'containers[0].command',
      message: 'expected an array, got the string "/app/server"',
      line: 7,
      column: 11,
    });
  });

  it('reports a bare number where a size or duration is expected with a hint', () => {
    expect(onlyProblem(`${MINIMAL}\n[resources]\nmemory = 512\n`)).toEqual({
      path: 'resources.memory',
      message: 'a size needs a unit; write "512MiB"',
      line: 9,
      column: 10,
    });
    expect(onlyProblem(`${MINIMAL}stop_timeout = 10\n`).message).toBe('a duration needs a unit; write "10s"');
  });

  it.each([
    ['cpus = -1', 'resources.cpus', 'must be more than 0'],
    ['cpus = 1000', 'resources.cpus', 'must be at most 256'],
    ['cpus = 0.0005', 'resources.cpus', 'must be a multiple of 0.001'],
    ['memory = "8MiB"', 'resources.memory', 'size "8MiB" is out of range; it must be between 16MiB and 4TiB'],
    ['memory = "5TiB"', 'resources.memory', 'size "5TiB" is out of range; it must be between 16MiB and 4TiB'],
    ['disk = "lots"', 'resources.disk', '"lots" is not a size; write a number and a unit, e.g. "512MiB" or "1.5GiB"'],
  ])('rejects the resource %j', (line, path, message) => {
    expect(onlyProblem(`${MINIMAL}\n[resources]\n${line}\n`)).toEqual({ path, message, line: 9, column: line.indexOf('=') + 3 });
  });

  it('reads [placement] replace_after, "0s" included, and leaves it out when the table is absent', () => {
    expect(parseTaskFile(`${MINIMAL}\n[placement]\nreplace_after = "5m"\n`).placement).toEqual({ replace_after_ms: 300_000 });
    expect(parseTaskFile(`${MINIMAL}\n[placement]\nreplace_after = "0s"\n`).placement).toEqual({ replace_after_ms: 0 });
    expect(parseTaskFile(`${MINIMAL}\n[placement]\n`).placement).toEqual({ replace_after_ms: 4_000 }); // the documented default, as without the table
    expect(parseTaskFile(MINIMAL).placement).toBeUndefined();
  });

  it.each([
    ['replace_after = 300', 'placement.replace_after', 'a duration needs a unit; write "300s"'],
    ['replace_after = "soon"', 'placement.replace_after', undefined],
    ['replace_afer = "5m"', 'placement.replace_afer', undefined],
  ])('rejects the placement %j naming the field and line', (line, path, message) => {
    const problem = onlyProblem(`${MINIMAL}\n[placement]\n${line}\n`);
    expect(problem).toMatchObject({ path, line: 9 });
    if (message) expect(problem.message).toBe(message);
  });

  it('reads [availability] min_serving, and leaves it out when the table is absent', () => {
    expect(parseTaskFile(MINIMAL.replace('group = "web"', 'group = "web"\ncount = 3') + '\n[availability]\nmin_serving = 2\n').availability).toEqual({ min_serving: 2 });
    expect(parseTaskFile(MINIMAL).availability).toBeUndefined();
  });

  it.each([
    ['min_serving = 2', 'availability.min_serving', 'min_serving 2 is more than count 1: no maintenance could ever keep that many serving'],
    ['min_serving = -1', 'availability.min_serving', undefined],
    ['min_serving = "2"', 'availability.min_serving', undefined],
  ])('rejects the availability %j naming the field and line', (line, path, message) => {
    const problem = onlyProblem(`${MINIMAL}\n[availability]\n${line}\n`);
    expect(problem).toMatchObject({ path, line: 9 });
    if (message) expect(problem.message).toBe(message);
  });

  it('rejects a negative or fractional count', () => {
    expect(onlyProblem(MINIMAL.replace('group = "web"', 'group = "web"\ncount = -1')).message).toBe('must be at least 0');
    expect(onlyProblem(MINIMAL.replace('group = "web"', 'group = "web"\ncount = 1.5')).message).toBe('must be a whole number');
  });

  it('reports duplicate container, port and volume names at the repeat', () => {
    const text = `${MINIMAL}
[[containers]]
name = "web"
image = "shop:1.0"

[[ports]]
name = "http"
port = 80

[[ports]]
name = "http"
port = 81

[[volumes]]
name = "data"
size = "1GiB"
path = "/data"

[[volumes]]
name = "data"
size = "1GiB"
path = "/data"
`;
    expect(problemsOf(text)).toEqual([
      { path: 'containers[1].name', message: 'container "web" is declared more than once', line: 9, column: 8 },
      { path: 'ports[1].name', message: 'port "http" is declared more than once', line: 17, column: 8 },
      { path: 'volumes[1].name', message: 'volume "data" is declared more than once', line: 26, column: 8 },
      { path: 'volumes[1].path', message: 'volume path "/data" is declared more than once', line: 28, column: 8 },
    ]);
  });

  describe('[[backups]]', () => {
    const VOLUME = `${MINIMAL}\n[[volumes]]\nname = "data"\nsize = "1GiB"\npath = "/data"\n`;
    it('reads a schedule per volume, keep 7 by default', () => {
      const spec = parseTaskFile(`${VOLUME}\n[[backups]]\nvolume = "data"\nevery = "24h"\nto = "/srv/backups"\n`, 'bubo.toml');
      expect(spec.backups).toEqual([{ volume: 'data', every_ms: 86_400_000, keep: 7, to: '/srv/backups' }]);
      expect(parseTaskFile(VOLUME, 'bubo.toml').backups).toBeUndefined();
      const hooked = parseTaskFile(`${VOLUME}\n[[backups]]\nvolume = "data"\nevery = "24h"\nto = "/b"\nbefore = ["pg_dumpall", "-f", "/data/all.sql"]\n`, 'bubo.toml');
      expect(hooked.backups?.[0]?.before).toEqual(['pg_dumpall', '-f', '/data/all.sql']);
      expect(parseTaskFile(`${VOLUME}\n[[backups]]\nvolume = "data"\nevery = "24h"\nto = "sftp://backup@nas.example.com:2222/srv/bubo"\n`, 'bubo.toml').backups?.[0]?.to).toBe('sftp://backup@nas.example.com:2222/srv/bubo');
    });
    it.each<[string, string, string, string]>([
      ['an undeclared volume', 'volume = "logs"\nevery = "1h"\nto = "/b"', 'backups[0].volume', 'backs up volume "logs", which is not declared in [[volumes]] (declared: "data")'],
      ['a schedule under 10 s', 'volume = "data"\nevery = "5s"\nto = "/b"', 'backups[0].every', 'must be at least "10s" (a backup takes a snapshot and an archive each time)'],
      ['a schedule over a month', 'volume = "data"\nevery = "745h"\nto = "/b"', 'backups[0].every', 'duration "745h" is too long; it must be at most 744h'],
      ['keep 0', 'volume = "data"\nevery = "1h"\nkeep = 0\nto = "/b"', 'backups[0].keep', 'must be at least 1'],
      ['an sftp target without a directory', 'volume = "data"\nevery = "1h"\nto = "sftp://backup@nas"', 'backups[0].to', 'backup target "sftp://backup@nas": write sftp://[user@]host[:port]/absolute/dir'],
      ['a relative directory', 'volume = "data"\nevery = "1h"\nto = "backups"', 'backups[0].to', 'backup target "backups": give a directory on the volume\'s host ("/srv/backups") or sftp://[user@]host[:port]/dir'],
      ['an empty before command', 'volume = "data"\nevery = "1h"\nto = "/b"\nbefore = []', 'backups[0].before', 'must name a command'],
    ])('refuses %s, naming the field and line', (_name, body, path, message) => {
      const problem = onlyProblem(`${VOLUME}\n[[backups]]\n${body}\n`);
      expect(problem).toMatchObject({ path, message });
      expect(problem.line).toBeGreaterThan(11);
    });
  });

  it('reports an image without a tag at the value', () => {
    expect(onlyProblem(MINIMAL.replace('shop:1.0', 'redis'))).toEqual({
      path: 'containers[0].image',
      message: 'image "redis" needs a tag or digest, e.g. "redis:1.0"',
      line: 6,
      column: 9,
    });
    expect(onlyProblem(MINIMAL.replace('shop:1.0', 'registry.internal:5000/shop')).message).toContain(
      'needs a tag or digest',
    );
  });

  it('reports a check that names an undeclared port at the port name', () => {
    const text = `${MINIMAL}\n[[ports]]\nname = "http"\nport = 80\n\n[check]\nhttp = { port = "web", path = "/healthz" }\n`;
    expect(onlyProblem(text)).toEqual({
      path: 'check.http.port',
      message: 'check names port "web", which is not declared in [[ports]] (declared: "http")',
      line: 13,
      column: 17,
    });
  });

  it('reports a check with no or several kinds, and a timeout not shorter than the interval', () => {
    expect(onlyProblem(`${MINIMAL}\n[check]\ninterval = "5s"\n`)).toEqual({
      path: 'check',
      message: 'a check needs exactly one of http, tcp or exec',
      line: 8,
      column: 1,
    });
    expect(onlyProblem(`${MINIMAL}\n[check]\ntcp = { port = "a" }\nexec = { command = ["true"] }\n`).path).toBe('check.exec');
    expect(onlyProblem(`${MINIMAL}\n[check]\nexec = { command = ["true"] }\ntimeout = "10s"\n`)).toMatchObject({
      path: 'check.timeout',
      message: 'must be shorter than interval',
    });
  });

  it('rejects a rollout that can never progress', () => {
    expect(onlyProblem(`${MINIMAL}\n[deploy]\nmax_unavailable = 0\nmax_surge = 0\n`)).toMatchObject({
      path: 'deploy.max_surge',
      message: expect.stringContaining('a rollout could never replace an instance'),
      line: 10,
    });
  });

  it('rejects a public udp port', () => {
    const text = `${MINIMAL}\n[[ports]]\nname = "dns"\nport = 53\nprotocol = "udp"\npublic = { host = "dns.example.com" }\n`;
    expect(onlyProblem(text)).toMatchObject({ path: 'ports[0].public', line: 12, column: 10 });
  });

  it('points a missing key at its table header, or at line 1 for the top level', () => {
    expect(problemsOf('group = "web"\n\n[[containers]]\nname = "web"\n')).toEqual([
      { path: 'app', message: 'required but missing', line: 1, column: 1 },
      { path: 'containers[0].image', message: 'required but missing', line: 3, column: 1 },
    ]);
    expect(problemsOf('')).toEqual([
      { path: 'app', message: 'required but missing', line: 1, column: 1 },
      { path: 'group', message: 'required but missing', line: 1, column: 1 },
      { path: 'containers', message: 'add at least one [[containers]] table', line: 1, column: 1 },
    ]);
  });

  it('reports bad environment names and non-string values', () => {
    expect(problemsOf(`${MINIMAL}env = { "1X" = "a", PORT = 8080 }\n`)).toEqual([
      {
        path: 'containers[0].env.1X',
        message: 'an environment variable name must be letters, digits and "_", not starting with a digit',
        line: 7,
        column: 9,
      },
      {
        path: 'containers[0].env.PORT',
        message: 'environment values are strings; write "8080"',
        line: 7,
        column: 28,
      },
    ]);
  });

  it('reports every problem at once, in file order, in the error message', () => {
    const text = `app = "shop"
group = "web"
count = 1

[resources]
memory = "8GB"

contaners = 3

[[containers]]
name = "web"
image = "redis"
`;
    let error: TaskFileError | undefined;
    try {
      parseTaskFile(text, 'shop/bubo.toml');
    } catch (caught) {
      error = caught as TaskFileError;
    }
    expect(error).toBeInstanceOf(TaskFileError);
    expect(error!.code).toBe('invalid_task_file');
    expect(error!.details).toEqual({ file: 'shop/bubo.toml', problems: error!.problems });
    expect(error!.message).toBe(
      [
        'shop/bubo.toml: 3 problems',
        'shop/bubo.toml:6:10: resources.memory: size "8GB" has unknown unit "GB"; use KiB, MiB, GiB or TiB (K, M, G, T also mean binary units)',
        'shop/bubo.toml:8:1: unknown key "contaners" in resources; did you mean the top-level key "containers"? Top-level keys must come before the first [table]',
        'shop/bubo.toml:12:9: containers[0].image: image "redis" needs a tag or digest, e.g. "redis:1.0"',
      ].join('\n'),
    );
  });
});

describe('docs/task-file.md', () => {
  it('shows an example that parses to the same TaskSpec as examples/hello/bubo.toml', () => {
    const docs = readFileSync(new URL('../../docs/task-file.md', import.meta.url), 'utf8');
    const example = /```toml\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(example).toBeDefined();
    expect(parseTaskFile(example!)).toEqual(parseTaskFile(EXAMPLE));
  });

  it('locates problems the same way in a file too big for the AST path', () => {
    // Comments pad the file past AST_LOCATED_MAX without changing what it means.
    const broken = `${MINIMAL.replace('image = "shop:1.0"', 'imge = "shop:1.0"\ncommand = ["a", 3]')}[[ports]]\nname = "http"\nport = "80"\n`;
    const padding = `# ${'x'.repeat(78)}\n`.repeat(Math.ceil((AST_LOCATED_MAX + 1) / 81));
    const small = problemsOf(broken);
    expect(small.map((p) => p.path)).toEqual(expect.arrayContaining(['containers[0].imge', 'containers[0].command[1]', 'ports[0].port']));
    const lines = padding.split('\n').length - 1;
    expect(problemsOf(padding + broken)).toEqual(small.map((p) => ({ ...p, line: p.line! + lines })));
  });

  it('reports syntax errors of a big file with their line', () => {
    const padding = `# ${'x'.repeat(78)}\n`.repeat(Math.ceil((AST_LOCATED_MAX + 1) / 81));
    const lines = padding.split('\n').length - 1;
    expect(onlyProblem(`${padding}app = "shop"\ngroup = web\n`)).toMatchObject({ path: '', line: lines + 2 });
    expect(onlyProblem(`${padding}${'a.'.repeat(40)}b = 1\n`)).toMatchObject({ message: expect.stringContaining('levels deep'), line: lines + 1, column: 1 });
  });
});
