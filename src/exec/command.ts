/**
 * A system command as data: the exact argv, run without a shell. Pure builders return these;
 * tests assert them; one executor runs them.
 */
export interface Command {
  argv: readonly [string, ...string[]];
  /** Data written to the command's standard input. */
  input?: string | Buffer;
  /** Exit codes that count as success besides 0 (e.g. "already exists" made idempotent). */
  okExitCodes?: readonly number[];
  /** Environment additions. */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  timeoutMs?: number;
}

export function cmd(...argv: [string, ...string[]]): Command {
  return { argv };
}
