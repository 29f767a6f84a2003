import { spawn } from 'node:child_process';

export interface ProbeBootResult {
  ok: boolean;
  /** Why not, in words ("did not reach userspace in 5 s", QEMU's own error). */
  reason: string;
  elapsedMs: number;
}

/** The kernel prints this just before it runs the initramfs's /init: the guest reached userspace. */
export const USERSPACE_MARKER = 'Run /init as init process';

/**
 * Boots `argv` (a QEMU command line with `-serial stdio`, not daemonized) and watches its output
 * for `marker`; kills QEMU as soon as it shows, when QEMU exits, or after `timeoutMs`. This is the
 * one place the runtime spawns a process itself: the executor waits for exit, and a probe boot
 * must be cut short (a PVM host's KVM hangs the guest forever). Still an argv, never a shell.
 */
export function probeBoot(argv: readonly [string, ...string[]], timeoutMs: number, marker = USERSPACE_MARKER): Promise<ProbeBootResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let settled = false;
    const finish = (ok: boolean, reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve({ ok, reason, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false, `probe boot did not reach userspace in ${Math.round(timeoutMs / 1000)}s`), timeoutMs);
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-16_384);
      if (output.includes(marker)) finish(true, '');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish(false, error.code === 'ENOENT' ? `${file} is not installed` : `${file} failed: ${error.message}`),
    );
    child.on('close', (code, signal) => {
      const last = output.trim().split('\n').filter(Boolean).at(-1)?.trim();
      const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
      finish(false, `QEMU ${how} before userspace${last ? `: ${last}` : ''}`);
    });
  });
}
