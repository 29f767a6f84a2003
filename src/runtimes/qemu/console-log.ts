/**
 * Reading the guest's serial console. The guest init writes each container's output as
 * `[<container>] <line>`, its own messages as `[bubo-init] …`, and the markers `BUBO_GUEST_READY`
 * and `BUBO_GUEST_FAILED <reason>`; the kernel adds a few lines of its own. The console is a
 * tty, so lines end in CRLF.
 */

export const GUEST_READY = 'BUBO_GUEST_READY';
export const GUEST_FAILED = 'BUBO_GUEST_FAILED';

/** `[web] hello` → `{ container: 'web', line: 'hello' }` when `web` is one of `containers`, else null. */
export function containerLine(raw: string, containers: ReadonlySet<string>): { container: string; line: string } | null {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const match = /^\[([a-z0-9][a-z0-9-]*)\] ?/.exec(text);
  if (!match?.[1] || !containers.has(match[1])) return null;
  return { container: match[1], line: text.slice(match[0].length) };
}

export type BootState = { state: 'booting' } | { state: 'ready' } | { state: 'failed'; reason: string };

/** What the console says about the boot so far. */
export function bootState(console: string): BootState {
  const failed = new RegExp(`^${GUEST_FAILED} ?(.*?)\\r?$`, 'm').exec(console);
  if (failed) return { state: 'failed', reason: failed[1] || 'no reason given' };
  if (new RegExp(`^${GUEST_READY}\\r?$`, 'm').test(console)) return { state: 'ready' };
  return { state: 'booting' };
}

/** The last `n` lines of the console, CRs removed, for error messages. */
export function lastLines(console: string, n: number): string[] {
  const lines = console.replace(/\r/g, '').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-n);
}

/**
 * Each container's last exit code as the guest init logged it (`[bubo-init] container web exited
 * rc=0`); containers with no such line are left out.
 */
export function containerExits(console: string): Map<string, number> {
  const exits = new Map<string, number>();
  for (const match of console.matchAll(/^\[bubo-init\] container (\S+) exited rc=(\d+)\r?$/gm)) {
    exits.set(match[1] as string, Number(match[2]));
  }
  return exits;
}
