import fc from 'fast-check';
import { stringify } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { TaskFileError } from '../errors/task-file-error.js';
import { MAX_PROBLEMS, parseTaskFile } from './parse-task-file.js';

/** parseTaskFile's contract: a TaskSpec or a TaskFileError with located problems, nothing else. */
function expectSpecOrTaskFileError(text: string): void {
  try {
    const spec = parseTaskFile(text);
    expect(typeof spec.app).toBe('string');
  } catch (error) {
    expect(error).toBeInstanceOf(TaskFileError);
    const problems = (error as TaskFileError).problems;
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.length).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
    for (const problem of problems) {
      expect(problem.line).toBeGreaterThanOrEqual(1);
      expect(problem.column).toBeGreaterThanOrEqual(1);
    }
  }
  expect(Object.keys(Object.prototype), 'a task file polluted Object.prototype').toEqual([]);
}

const keys = fc.constantFrom(
  'app', 'namespace', 'group', 'count', 'runtime', 'resources', 'cpus', 'memory', 'disk', 'containers', 'name',
  'image', 'command', 'args', 'env', 'workdir', 'user', 'secrets', 'restart', 'stop_timeout', 'ports', 'port',
  'protocol', 'public', 'host', 'tls', 'cert', 'key', 'check', 'http', 'tcp', 'exec', 'path', 'expect', 'interval',
  'timeout', 'deploy', 'max_surge', 'max_unavailable', 'volumes', 'size', '__proto__', 'constructor', 'toString',
  'hasOwnProperty', 'contaners', 'x y', '',
);
const leaves = fc.oneof(
  fc.constantFrom('web', 'shop:1.0', 'redis', '512MiB', '5s', '/data', 'http', 'tcp', 'udp', '0s', '16M', 'rolling'),
  fc.string(),
  fc.integer({ min: -100_000, max: 100_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
);
const tomlish = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaves, tie('table'), fc.array(tie('table'), { maxLength: 3 }), fc.array(leaves, { maxLength: 3 })),
  table: fc.dictionary(keys, tie('value'), { maxKeys: 6 }),
})).table;

const VALID = `app = "shop"
group = "web"

[[containers]]
name = "web"
image = "shop:1.0"
`;

/**
 * Hostile shapes, each repeated to tens of KiB: deep nesting of every kind, long keys, many keys,
 * tables and array entries. Mixed with a valid head so that some are valid files.
 */
const unit = fc.oneof(
  fc.constantFrom('[', '{a = ', 'a.', '[a.', '"', "'", '#', ']', '}', ',', '\n', '1,', '"x",'),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('[[containers]]\nname = "w"\nimage = "s:1"\n', '[[ports]]\nname = "p"\nport = 80\n', 'k = 1\n'),
);
const hostileShapes = fc
  .tuple(fc.boolean(), unit, fc.integer({ min: 1, max: 20_000 }), fc.string({ maxLength: 20 }))
  .map(([withHead, piece, times, tail]) => (withHead ? VALID : '') + piece.repeat(Math.min(times, Math.ceil(64_000 / Math.max(piece.length, 1)))) + tail);

// Generous timeouts: these run many documents on a shared 2-core machine; what they bound is
// behaviour (a spec or located problems), never time.
const SLOW = 120_000;

describe('parseTaskFile on arbitrary input', () => {
  it('returns a TaskSpec or a capped list of located problems for deep, long and repeated shapes', () => {
    fc.assert(fc.property(hostileShapes, expectSpecOrTaskFileError), { numRuns: 40 });
  }, SLOW);

  it('returns a TaskSpec or throws a TaskFileError for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), expectSpecOrTaskFileError), { numRuns: 500 });
  }, SLOW);

  it('returns a TaskSpec or throws a TaskFileError for a mangled valid file', () => {
    const mangled = fc
      .tuple(fc.nat({ max: VALID.length }), fc.nat({ max: 10 }), fc.string({ maxLength: 10 }))
      .map(([at, cut, insert]) => VALID.slice(0, at) + insert + VALID.slice(at + cut));
    fc.assert(fc.property(mangled, expectSpecOrTaskFileError), { numRuns: 500 });
  }, SLOW);

  it('returns a TaskSpec or throws a TaskFileError for any TOML-ish document', () => {
    const documents = tomlish.map((table) => {
      try {
        return stringify(table);
      } catch {
        return ''; // smol-toml refuses some shapes (e.g. mixed arrays); the empty file is fine too
      }
    });
    fc.assert(fc.property(documents, expectSpecOrTaskFileError), { numRuns: 500 });
  }, SLOW);
});
