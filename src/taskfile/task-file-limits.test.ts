import { describe, expect, it } from 'vitest';
import type { FieldProblem } from '../errors/invalid-request-error.js';
import { TaskFileError } from '../errors/task-file-error.js';
import { MAX_PROBLEMS, parseTaskFile } from './parse-task-file.js';
import { LIMITS } from './task-schema.js';
import { MAX_TOML_DEPTH } from './toml-depth.js';

const HEAD = 'app = "shop"\ngroup = "web"\n';
const CONTAINER = '[[containers]]\nname = "web"\nimage = "shop:1.0"\n';

function problemsOf(text: string): FieldProblem[] {
  try {
    parseTaskFile(text);
  } catch (error) {
    expect(error).toBeInstanceOf(TaskFileError);
    return (error as TaskFileError).problems;
  }
  throw new Error('expected a TaskFileError');
}

const quoted = (n: number) => Array.from({ length: n }, (_, i) => `"a${i}"`).join(', ');

describe('task file limits', () => {
  it.each([
    ['ports', HEAD + CONTAINER + Array.from({ length: LIMITS.ports + 1 }, (_, i) => `[[ports]]\nname = "p${i}"\nport = ${1000 + i}\n`).join(''), 'ports', `at most ${LIMITS.ports} ports`],
    ['env entries', `${HEAD + CONTAINER}env = { ${Array.from({ length: LIMITS.env + 1 }, (_, i) => `E${i} = "v"`).join(', ')} }\n`, 'containers[0].env', `at most ${LIMITS.env} environment variables`],
    ['command arguments', `${HEAD + CONTAINER}command = [${quoted(LIMITS.arguments + 1)}]\n`, 'containers[0].command', `at most ${LIMITS.arguments} arguments`],
    ['one long argument', `${HEAD + CONTAINER}args = ["${'x'.repeat(LIMITS.argumentLength + 1)}"]\n`, 'containers[0].args[0]', `at most ${LIMITS.argumentLength} characters`],
    ['secrets', `${HEAD + CONTAINER}secrets = [${Array.from({ length: LIMITS.secrets + 1 }, (_, i) => `"S${i}"`).join(', ')}]\n`, 'containers[0].secrets', `at most ${LIMITS.secrets} secrets`],
    ['image reference length', `${HEAD}[[containers]]\nname = "web"\nimage = "shop:${'1'.repeat(LIMITS.imageLength)}"\n`, 'containers[0].image', `at most ${LIMITS.imageLength} characters`],
    ['a duration', `${HEAD + CONTAINER}stop_timeout = "2h"\n`, 'containers[0].stop_timeout', 'at most 1h'],
    ['a huge duration', `${HEAD}[deploy]\nhealthy_deadline = "100000000h"\n${CONTAINER}`, 'deploy.healthy_deadline', 'at most 24h'],
  ])('refuses too many %s, naming the field', (_what, text, path, message) => {
    const problems = problemsOf(text);
    expect(problems.map((p) => p.path)).toContain(path);
    expect(problems.find((p) => p.path === path)?.message).toContain(message);
  });

  it('refuses a port number declared twice on the same transport, and allows tcp and udp side by side', () => {
    const ports = '[[ports]]\nname = "a"\nport = 53\nprotocol = "udp"\n[[ports]]\nname = "b"\nport = 53\nprotocol = "tcp"\n';
    expect(parseTaskFile(HEAD + CONTAINER + ports).ports).toHaveLength(2);
    const twice = `${ports}[[ports]]\nname = "c"\nport = 53\nprotocol = "http"\n`;
    expect(problemsOf(HEAD + CONTAINER + twice)).toEqual([
      { path: 'ports[2].port', message: 'port number 53 (tcp) is declared more than once', line: 16, column: 8 },
    ]);
  });

  it.each(['/data/../etc', '/data//x', '/data/', '/./data', 'data', '/da\u0000ta', '/data\n'])(
    'refuses the volume path %j',
    (path) => {
      const text = `${HEAD + CONTAINER}[[volumes]]\nname = "v"\nsize = "1GiB"\npath = ${JSON.stringify(path)}\n`;
      expect(problemsOf(text).map((p) => p.path)).toEqual(['volumes[0].path']);
    },
  );

  it('accepts normalised volume paths, dots inside names included', () => {
    const text = `${HEAD + CONTAINER}[[volumes]]\nname = "v"\nsize = "1GiB"\npath = "/var/lib/.data..x"\n`;
    expect(parseTaskFile(text).volumes[0]?.path).toBe('/var/lib/.data..x');
  });

  it.each([
    ['inline arrays', `x = ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, 'arrays and tables nest more than'],
    ['inline tables', `x = ${'{a = '.repeat(10_000)}1${' }'.repeat(10_000)}\n`, 'arrays and tables nest more than'],
    ['dotted keys', `${'a.'.repeat(10_000)}b = 1\n`, 'keys nest more than'],
    ['table headers', `[${'a.'.repeat(10_000)}b]\n`, 'keys nest more than'],
  ])('refuses %s nested too deep with one located problem, without overflowing the stack', (_what, text, message) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain(message);
    expect(problems[0]?.message).toContain(String(MAX_TOML_DEPTH));
    expect(problems[0]?.line).toBe(1);
  });

  it('ignores brackets inside strings and comments when it measures nesting', () => {
    const deep = '['.repeat(100);
    const text = `${HEAD}# ${deep}\n${CONTAINER}command = ["${deep}", '${deep}', """${deep}""", '''${deep}''']\n`;
    expect(parseTaskFile(text).containers[0]?.command).toHaveLength(4);
  });

  it(`reports at most ${MAX_PROBLEMS} problems and counts the rest`, () => {
    const text = `${HEAD + CONTAINER}${Array.from({ length: 1000 }, (_, i) => `unknown_${i} = 1\n`).join('')}`;
    const problems = problemsOf(text);
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems[0]?.line).toBe(6);
    expect(problems[MAX_PROBLEMS]?.message).toBe(`and ${1000 - MAX_PROBLEMS} more problems; fix these first`);
  });

  it('does not suggest a key for an unknown key far longer than any known one', () => {
    const problems = problemsOf(`${HEAD + CONTAINER}image${'e'.repeat(100_000)} = 1\n`);
    expect(problems[0]?.message).not.toContain('did you mean');
  });
});
