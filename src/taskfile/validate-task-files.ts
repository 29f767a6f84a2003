import { readFile } from 'node:fs/promises';
import type { FieldProblem } from '../errors/invalid-request-error.js';
import { formatTaskFileProblems, TaskFileError } from '../errors/task-file-error.js';
import { parseTaskFile } from './parse-task-file.js';
import type { TaskSpec } from '../domain/task-spec.js';

export type ValidationResult =
  | { file: string; ok: true; spec: TaskSpec }
  | { file: string; ok: false; problems: FieldProblem[]; message: string };

/**
 * Reads and checks each task file (for `bubo validate FILE...`). Never rejects: a file that cannot
 * be read is reported as a problem of that file. Results are in the order of `paths`.
 */
export async function validateTaskFiles(paths: string[]): Promise<ValidationResult[]> {
  return Promise.all(paths.map(validateTaskFile));
}

async function validateTaskFile(file: string): Promise<ValidationResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const problems = [{ path: '', message: `cannot read ${file}: ${describeReadError(error)}` }];
    return { file, ok: false, problems, message: formatTaskFileProblems(file, problems) };
  }
  try {
    return { file, ok: true, spec: parseTaskFile(text, file) };
  } catch (error) {
    if (!(error instanceof TaskFileError)) throw error;
    return { file, ok: false, problems: error.problems, message: error.message };
  }
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return (error as Error)?.message ?? String(error);
  }
}
