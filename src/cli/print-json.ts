import type { CliDeps } from './cli-deps.js';

/** `--json` output: the API body as is, indented, one trailing newline. */
export function printJson(deps: CliDeps, body: unknown): void {
  deps.stdout(`${JSON.stringify(body, null, 2)}\n`);
}
