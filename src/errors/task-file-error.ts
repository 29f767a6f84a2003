import { DomainError } from './domain-error.js';
import type { FieldProblem } from './invalid-request-error.js';

/**
 * A task file (`bubo.toml`) cannot be used. `details.problems` lists every problem found, each with
 * the line and column in the file when known; the message reads like compiler output:
 *
 * ```text
 * bubo.toml: 2 problems
 * bubo.toml:7:1: unknown key "contaners"; did you mean "containers"?
 * bubo.toml:12:9: containers[0].image: image "redis" needs a tag or digest, e.g. "redis:1.0"
 * ```
 */
export class TaskFileError extends DomainError {
  readonly file: string;
  readonly problems: FieldProblem[];

  constructor(file: string, problems: FieldProblem[]) {
    super('invalid_task_file', formatTaskFileProblems(file, problems), { file, problems });
    this.file = file;
    this.problems = problems;
  }
}

/** The message of a `TaskFileError`: a count line, then one line per problem. */
export function formatTaskFileProblems(file: string, problems: readonly FieldProblem[]): string {
  const count = `${file}: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`;
  return [count, ...problems.map((problem) => formatProblem(file, problem))].join('\n');
}

function formatProblem(file: string, problem: FieldProblem): string {
  let where = file;
  if (problem.line !== undefined) {
    where += `:${problem.line}`;
    if (problem.column !== undefined) where += `:${problem.column}`;
  }
  // An unknown-key message already names the key (and its table), so the path would repeat it.
  const label = problem.path === '' || problem.message.startsWith('unknown key ') ? '' : `${problem.path}: `;
  return `${where}: ${label}${problem.message}`;
}
