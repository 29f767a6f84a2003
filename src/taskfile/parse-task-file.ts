import { parse as parsePlainToml, TomlError } from 'smol-toml';
import { ParseError, parseTOML } from 'toml-eslint-parser';
import type { z } from 'zod';
import type { FieldProblem } from '../errors/invalid-request-error.js';
import { TaskFileError } from '../errors/task-file-error.js';
import { suggestKey } from './suggest-key.js';
import { TaskSchema } from './task-schema.js';
import type { TaskSpec } from '../domain/task-spec.js';
import type { PathLocationIndex, PathSegment } from './path-location-index.js';
import { scanTomlLocations } from './scan-toml-locations.js';
import { bracketDepthProblem, KEYS_TOO_DEEP, keyDepthProblem, MAX_TOML_DEPTH } from './toml-depth.js';
import { TomlLocations } from './toml-locations.js';
import { tomlToValue } from './toml-to-value.js';

/**
 * Parses and validates a task file. Returns the normalised `TaskSpec`, or throws a
 * `TaskFileError` listing every problem found, each with its line and column; it throws nothing
 * else, whatever the input.
 *
 * @param file how to name the file in messages (a path or `bubo.toml`).
 */
export function parseTaskFile(text: string, file = 'bubo.toml'): TaskSpec {
  const big = text.length > AST_LOCATED_MAX;
  if (!big) {
    const valid = parseValidFile(text);
    if (valid !== undefined) return valid;
  }
  let problems: PendingProblem[];
  try {
    const parsed = big ? scanToml(text) : parseToml(text);
    if ('problem' in parsed) throw new TaskFileError(file, [parsed.problem]);
    const result = TaskSchema.safeParse(parsed.value, { error: describeIssue });
    if (result.success) return result.data;
    const locations = parsed.locations();
    problems = result.error.issues.flatMap((issue) => toProblems(issue, parsed.value, locations));
  } catch (error) {
    if (error instanceof TaskFileError) throw error;
    // A bug of ours must still reach the user as a task file problem, never as a crash.
    problems = [
      { path: '', message: `cannot check this file: ${(error as Error)?.message ?? String(error)}`, line: 1, column: 1 },
    ];
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  throw new TaskFileError(file, capProblems(problems));
}

/**
 * Up to this size a refused file is located through toml-eslint-parser's AST, whose syntax
 * messages are the clearest; past it (only hostile or generated files are this big) through
 * smol-toml and `scanTomlLocations`, because building that AST costs about 5 µs per byte: over a
 * second for a 256 KiB file the API must refuse well within one.
 */
export const AST_LOCATED_MAX = 16 * 1024;

/** At most this many problems are reported (the first ones by line), then a count of the rest. */
export const MAX_PROBLEMS = 50;

/** A located problem whose hint ("did you mean …") is worked out only if it is shown. */
type PendingProblem = FieldProblem & { hint?: () => string };

function capProblems(problems: PendingProblem[]): FieldProblem[] {
  const shown: FieldProblem[] = problems.slice(0, MAX_PROBLEMS).map(({ hint, ...problem }) =>
    hint === undefined ? problem : { ...problem, message: problem.message + hint() },
  );
  if (problems.length <= MAX_PROBLEMS) return shown;
  const last = shown[shown.length - 1];
  shown.push({
    path: '',
    message: `and ${problems.length - MAX_PROBLEMS} more problems; fix these first`,
    line: last?.line ?? 1,
    column: last?.column ?? 1,
  });
  return shown;
}

/**
 * The fast path, for a file with no problem: smol-toml builds the value several times faster than
 * toml-eslint-parser builds its AST with every token's location, and a valid file needs no
 * location. Anything it or the schema refuses goes the slow way, which finds and locates every
 * problem; so the two parsers never decide alone, and a refusal always comes with lines.
 */
function parseValidFile(text: string): TaskSpec | undefined {
  try {
    if (bracketDepthProblem(text) !== undefined) return undefined;
    const result = TaskSchema.safeParse(parsePlainToml(text, { maxDepth: MAX_TOML_DEPTH }));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

type Parsed = { value: unknown; locations: () => PathLocationIndex } | { problem: FieldProblem };

function parseToml(text: string): Parsed {
  try {
    // The depth checks come first: the parser and the walks after it recurse per level.
    const tooDeep = bracketDepthProblem(text);
    if (tooDeep !== undefined) return { problem: tooDeep };
    const program = parseTOML(text);
    const keysTooDeep = keyDepthProblem(program);
    if (keysTooDeep !== undefined) return { problem: keysTooDeep };
    return { value: tomlToValue(program), locations: () => new TomlLocations(program) };
  } catch (error) {
    if (error instanceof ParseError) {
      return {
        problem: {
          path: '',
          message: `invalid TOML: ${lowerFirst(error.message)}`,
          line: error.lineNumber,
          column: error.column + 1,
        },
      };
    }
    throw error;
  }
}

/** `parseToml` for big files: smol-toml for the value and its syntax errors, the scanner for positions. */
function scanToml(text: string): Parsed {
  const tooDeep = bracketDepthProblem(text);
  if (tooDeep !== undefined) return { problem: tooDeep };
  const scanned = scanTomlLocations(text);
  if (scanned.tooDeep !== undefined) return { problem: { path: '', message: KEYS_TOO_DEEP, ...scanned.tooDeep } };
  try {
    return { value: parsePlainToml(text, { maxDepth: MAX_TOML_DEPTH }), locations: () => scanned.index };
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const message = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    return { problem: { path: '', message: `invalid TOML: ${message}`, line: error.line, column: error.column } };
  }
}

function toProblems(issue: z.core.$ZodIssue, input: unknown, locations: PathLocationIndex): PendingProblem[] {
  const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const candidates = keysAllowedAt(path);
    const where = path.length === 0 ? '' : ` in ${formatPath(path)}`;
    // Suggestions cost an edit distance per candidate: a hostile file has thousands of unknown
    // keys, and only the first MAX_PROBLEMS are shown, so each hint waits until it is.
    const hint = (key: string) => () => {
      const suggestion = suggestKey(key, candidates);
      const topLevel = path.length > 0 && suggestion === undefined ? suggestKey(key, keysAllowedAt([])) : undefined;
      if (topLevel !== undefined) {
        // The classic TOML slip: a top-level key written after a [table] header belongs to that table.
        return `; did you mean the top-level key "${topLevel}"? Top-level keys must come before the first [table]`;
      }
      return suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
    };
    return issue.keys.map((key) => ({
      ...located([...path, key], `unknown key "${key}"${where}`, locations.get([...path, key])?.key ?? locations.nearest(path)?.key),
      hint: hint(key),
    }));
  }
  if (issue.code === 'invalid_key') {
    // A record key (an env name) is wrong: point at the key, and use the key check's message.
    return [located(path, issue.issues[0]?.message ?? issue.message, locations.get(path)?.key)];
  }
  const exact = locations.get(path);
  if (exact === undefined || valueAt(input, path) === undefined) {
    // Missing key: point at the table that should hold it.
    return [located(path, issue.message, locations.nearest(path)?.key)];
  }
  return [located(path, issue.message, exact.value)];
}

function located(path: readonly PathSegment[], message: string, at: { line: number; column: number } | undefined) {
  const problem: FieldProblem = { path: formatPath(path), message };
  problem.line = at?.line ?? 1;
  problem.column = at?.column ?? 1;
  return problem;
}

/** Messages for zod's generic issues, written in TOML's terms. Field-specific ones win. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required but missing';
      return `expected ${article(issue.expected)}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; got ${describeValue(issue.input)}`;
    case 'too_small':
      return `must have at least ${String(issue.minimum)} ${issue.origin === 'string' ? 'characters' : 'items'}`;
    case 'too_big':
      return `must have at most ${String(issue.maximum)} ${issue.origin === 'string' ? 'characters' : 'items'}`;
    default:
      return undefined;
  }
}

function article(expected: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'an array',
    object: 'a table',
    record: 'a table',
  };
  return names[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value instanceof Date) return `a date-time`;
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value)}`;
    case 'number':
      return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return value === null ? 'nothing' : 'a table';
    default:
      return typeof value;
  }
}

/** `containers[0].env.PATH`; keys that are not plain words are quoted: `env["my key"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PathSegment[]): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

interface SchemaDef {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  in?: { _zod: { def: SchemaDef } };
  innerType?: { _zod: { def: SchemaDef } };
  element?: { _zod: { def: SchemaDef } };
}

/** The keys `TaskSchema` allows in the table at `path`, for "did you mean" suggestions. */
function keysAllowedAt(path: readonly PathSegment[]): string[] {
  let def: SchemaDef | undefined = (TaskSchema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  let rest = [...path];
  for (let guard = 0; def !== undefined && guard < 100; guard++) {
    const next: { _zod: { def: SchemaDef } } | undefined =
      def.type === 'pipe'
        ? def.in
        : def.innerType !== undefined
          ? def.innerType
          : def.type === 'array' && typeof rest[0] === 'number'
            ? def.element
            : def.type === 'object' && typeof rest[0] === 'string'
              ? ownChild(def.shape, rest[0])
              : undefined;
    if (next === undefined) break;
    if (def.type === 'array' || def.type === 'object') rest = rest.slice(1);
    def = next._zod.def;
  }
  return def?.type === 'object' && rest.length === 0 ? Object.keys(def.shape ?? {}) : [];
}

function ownChild<T>(shape: Record<string, T> | undefined, key: string): T | undefined {
  return shape !== undefined && Object.hasOwn(shape, key) ? shape[key] : undefined;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
