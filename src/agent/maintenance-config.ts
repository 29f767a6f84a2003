import { parse as parseToml, TomlError } from 'smol-toml';
import { type AST, parseTOML } from 'toml-eslint-parser';
import { z } from 'zod';
import { DomainError } from '../errors/domain-error.js';
import { parseDurationMs } from '../taskfile/parse-duration.js';
import { formatPath } from '../taskfile/parse-task-file.js';

/** A command the server may ask this host to run by name (`[commands.NAME]`). */
export interface MaintenanceCommand {
  argv: readonly [string, ...string[]];
  timeoutMs: number;
  /** Added to the agent's environment. */
  env: Readonly<Record<string, string>>;
}

/** A check run after maintenance (`[[checks]]`): exit 0 is ok. */
export interface MaintenanceCheck {
  name: string;
  argv: readonly [string, ...string[]];
  timeoutMs: number;
}

/**
 * The host maintenance allow-list (`bubo agent --maintenance FILE`): everything the server may
 * make this host run. The server only ever sends a command's name; argvs come from here alone.
 */
export interface MaintenanceConfig {
  /** How the file is named in messages (its path). */
  file: string;
  /** By name; a Map, so that a name from the API never reaches an object's prototype. */
  commands: ReadonlyMap<string, MaintenanceCommand>;
  reboot: readonly [string, ...string[]];
  checks: readonly MaintenanceCheck[];
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 30 * 60_000;
export const DEFAULT_CHECK_TIMEOUT_MS = 60_000;
export const DEFAULT_REBOOT_ARGV: readonly [string, ...string[]] = ['systemctl', 'reboot'];
/** Longer would overflow Node's timers (which then fire at once); a day is plenty for an upgrade. */
const MAX_TIMEOUT_MS = 24 * 3_600_000;

/** A located problem of a maintenance file: `maintenance.toml:3: commands.patch.argv: expected …`. */
export interface MaintenanceProblem {
  path: string;
  message: string;
  line: number;
}

/** The `--maintenance` file cannot be used; the message lists every problem, one line each, with its line. */
export class MaintenanceConfigError extends DomainError {
  readonly file: string;
  readonly problems: readonly MaintenanceProblem[];

  constructor(file: string, problems: readonly MaintenanceProblem[]) {
    super('invalid_config', problems.map((p) => `${file}:${p.line}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`).join('\n'), { file, problems });
    this.file = file;
    this.problems = problems;
  }
}

const COMMAND_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const Argv = z.custom<[string, ...string[]]>(
  (v) => Array.isArray(v) && v.length > 0 && v.length <= 256 && v.every((a) => typeof a === 'string' && a !== ''),
  'expected a non-empty array of strings',
);

const Timeout = z.string().transform((text, ctx) => {
  try {
    const ms = parseDurationMs(text);
    if (ms > 0 && ms <= MAX_TIMEOUT_MS) return ms;
    ctx.addIssue({ code: 'custom', message: `must be more than 0s and at most 24h, not "${text}"` });
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
  return z.NEVER;
});

const Command = z.strictObject({
  argv: Argv,
  timeout: Timeout.optional(),
  env: z.record(z.string().regex(ENV_NAME, 'an environment variable name is letters, digits and "_", not starting with a digit'), z.string()).optional(),
});

const Check = z.strictObject({ name: z.string().min(1).max(200), argv: Argv, timeout: Timeout.optional() });

const Schema = z.strictObject({
  commands: z.record(z.string().regex(COMMAND_NAME, 'a command name is up to 63 letters, digits and "_.-", starting with a letter or digit'), Command).optional(),
  reboot: z.strictObject({ argv: Argv.optional() }).optional(),
  checks: z
    .array(Check)
    .superRefine((checks, ctx) => {
      checks.forEach((check, index) => {
        if (checks.findIndex((c) => c.name === check.name) < index) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${check.name}" is already the name of an earlier check` });
      });
    })
    .optional(),
});

/** The keys each table allows, for unknown-key messages. */
function keysAllowedAt(path: readonly PathSegment[]): string[] {
  if (path.length === 0) return ['commands', 'reboot', 'checks'];
  if (path[0] === 'commands') return ['argv', 'timeout', 'env'];
  if (path[0] === 'reboot') return ['argv'];
  return ['name', 'argv', 'timeout'];
}

/**
 * Parses and validates a maintenance file; throws `MaintenanceConfigError`, naming the file, the
 * field and the line of every problem, and nothing else.
 *
 * @param file how to name the file in messages (its path).
 */
export function parseMaintenanceConfig(text: string, file: string): MaintenanceConfig {
  let value: unknown;
  try {
    value = parseToml(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw new MaintenanceConfigError(file, [{ path: '', message: `cannot read this file: ${(error as Error).message}`, line: 1 }]);
    const message = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    throw new MaintenanceConfigError(file, [{ path: '', message: `invalid TOML: ${message}`, line: error.line }]);
  }
  const result = Schema.safeParse(value, { error: describeIssue });
  if (!result.success) {
    const lines = keyLines(text);
    const problems = result.error.issues.flatMap((issue) => toProblems(issue, lines));
    throw new MaintenanceConfigError(file, problems.sort((a, b) => a.line - b.line));
  }
  const data = result.data;
  return {
    file,
    commands: new Map(
      Object.entries(data.commands ?? {}).map(([name, c]) => [name, { argv: c.argv, timeoutMs: c.timeout ?? DEFAULT_COMMAND_TIMEOUT_MS, env: c.env ?? {} }]),
    ),
    reboot: data.reboot?.argv ?? DEFAULT_REBOOT_ARGV,
    checks: (data.checks ?? []).map((c) => ({ name: c.name, argv: c.argv, timeoutMs: c.timeout ?? DEFAULT_CHECK_TIMEOUT_MS })),
  };
}

type PathSegment = string | number;

function toProblems(issue: z.core.$ZodIssue, lines: Lines): MaintenanceProblem[] {
  const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const allowed = keysAllowedAt(path).join(', ');
    return issue.keys.map((key) => ({ path: formatPath([...path, key]), message: `unknown key; allowed here: ${allowed}`, line: lines.at([...path, key]) }));
  }
  const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  return [{ path: formatPath(path), message, line: lines.at(path) }];
}

/** zod's generic messages in TOML's terms; field-specific ones win. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'required but missing';
    const names: Record<string, string> = { string: 'a string', object: 'a table', record: 'a table', array: 'an array' };
    return `expected ${names[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'string') return 'must not be empty';
  if (issue.code === 'too_big' && issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters`;
  return undefined;
}

function describeValue(value: unknown): string {
  if (value instanceof Date) return 'a date-time';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object' && value !== null) return 'a table';
  return `${typeof value} ${String(value)}`;
}

interface Lines {
  /** The line `path` (or its nearest written ancestor) was written on; 1 when unknown. */
  at(path: readonly PathSegment[]): number;
}

/**
 * Where each path of the document was written, from toml-eslint-parser's AST: tables at their
 * header, keys at their key-value line, array elements at their own line. Only built for a file
 * that is refused (smol-toml made the value). The task file's locator (`taskfile/toml-locations.ts`)
 * does the same for much larger files, but the agent may not import taskfile/.
 */
function keyLines(text: string): Lines {
  const byPath = new Map<string, number>();
  const remember = (path: readonly PathSegment[], line: number) => {
    const key = JSON.stringify(path);
    if (!byPath.has(key)) byPath.set(key, line);
  };
  const visitValue = (node: AST.TOMLContentNode, path: PathSegment[]) => {
    if (node.type === 'TOMLInlineTable') for (const kv of node.body) visitKeyValue(kv, path);
    else if (node.type === 'TOMLArray') {
      node.elements.forEach((element, index) => {
        remember([...path, index], element.loc.start.line);
        visitValue(element, [...path, index]);
      });
    }
  };
  const visitKeyValue = (node: AST.TOMLKeyValue, prefix: PathSegment[]) => {
    const path = [...prefix];
    for (const part of node.key.keys) {
      path.push(part.type === 'TOMLBare' ? part.name : part.value);
      remember(path, node.loc.start.line);
    }
    visitValue(node.value, path);
  };
  try {
    for (const node of parseTOML(text).body[0].body) {
      if (node.type === 'TOMLKeyValue') {
        visitKeyValue(node, []);
        continue;
      }
      for (let i = 1; i <= node.resolvedKey.length; i++) remember(node.resolvedKey.slice(0, i), node.loc.start.line);
      for (const kv of node.body) visitKeyValue(kv, [...node.resolvedKey]);
    }
  } catch {
    // smol-toml read it: a disagreement of the two parsers costs the line numbers, not the message.
  }
  return {
    at(path) {
      for (let n = path.length; n > 0; n--) {
        const line = byPath.get(JSON.stringify(path.slice(0, n)));
        if (line !== undefined) return line;
      }
      return 1;
    },
  };
}
