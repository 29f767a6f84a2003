import { hasExec, type Runtime } from '../runtimes/runtime.js';
import { formatMs } from './format-ms.js';
import type { ProbeResult } from './prober.js';
import { runProbe } from './run-probe.js';

/** How much of a command's output its message quotes (the end: errors are printed last). */
export const OUTPUT_TAIL_CHARS = 500;
/** The runtime enforces the timeout; the prober gives up this much later if it does not. */
const RUNTIME_MARGIN_MS = 2_000;

/** Runs `argv` in the instance's first container; passes when it exits 0. */
export function probeExec(runtime: Runtime, id: string, argv: string[], timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> {
  const shown = `exec ${showArgv(argv)}`;
  if (!hasExec(runtime)) return Promise.resolve({ ok: false, message: `runtime ${runtime.name} cannot run exec checks` });
  const late = `runtime ${runtime.name} did not return within ${formatMs(timeoutMs + RUNTIME_MARGIN_MS)}`;
  return runProbe(
    shown,
    timeoutMs + RUNTIME_MARGIN_MS,
    signal,
    async () => {
      const { exitCode, output } = await runtime.exec(id, null, argv, timeoutMs);
      const tail = outputTail(output);
      return { ok: exitCode === 0, message: `${shown}: exit ${exitCode}${tail ? `: ${tail}` : ''}` };
    },
    late,
  );
}

/** The last OUTPUT_TAIL_CHARS characters of the output, lines joined with ` | `. */
export function outputTail(output: string): string {
  const text = output.trim().split('\n').map((l) => l.trim()).filter(Boolean).join(' | ');
  return text.length > OUTPUT_TAIL_CHARS ? `…${text.slice(-OUTPUT_TAIL_CHARS)}` : text;
}

function showArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}
