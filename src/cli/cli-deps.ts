import type { ServerOptions, RunningServer } from '../daemons/start-server.js';
import type { ValidationResult } from '../taskfile/validate-task-files.js';

/**
 * Everything the CLI needs from the process, so commands run in-process in tests: output,
 * environment, files, terminal, clock and signals. `main.ts` builds the real ones.
 */
export interface CliDeps {
  /** Writes text to stdout as is (callers add newlines). */
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
  /** Chooses the default server state dir; defaults to `process.getuid()`. */
  uid?: number;
  version: string;
  /** Whether a human can answer a question (stdin and stderr are terminals). */
  interactive: boolean;
  readFile(path: string): Promise<string>;
  /** A secret value from stdin (piped: until EOF; a terminal: one line, not echoed, after `prompt`). */
  readSecretInput(prompt: string): Promise<string>;
  /** Writes a file only its owner may read (0600), creating its directory (`bubo login`). */
  writePrivateFile(path: string, text: string): Promise<void>;
  /** Asks a yes/no question on the terminal. */
  confirm(question: string): Promise<boolean>;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  setExitCode(code: number): void;
  /** Starts listening for SIGINT/SIGTERM and returns a signal aborted by the first one. */
  shutdownSignal(): AbortSignal;
  /** Tests pass a fake; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Defaults to a lazy import of `http/start-server.js`. */
  startServer?: (options: ServerOptions) => Promise<Pick<RunningServer, 'url' | 'adminTokenPath' | 'close'> & Partial<Pick<RunningServer, 'tlsUrl' | 'caFingerprint'>>>;
  /** Defaults to a lazy import of `taskfile/validate-task-files.js`. */
  validateTaskFiles?: (paths: string[]) => Promise<ValidationResult[]>;
}
