import { parseTaskFile } from '../taskfile/parse-task-file.js';

/** The namespace a task file deploys into (for the permission check); null when it does not parse (the deploy then says why). */
export function taskNamespace(task: string): string | null {
  try {
    return parseTaskFile(task).namespace;
  } catch {
    return null;
  }
}
