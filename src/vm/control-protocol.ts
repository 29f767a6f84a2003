/**
 * The control channel's framing (see README.md, "Control protocol"): one frame per line, fields
 * separated by single spaces, every free-form field base64 (standard alphabet) or `-` when
 * empty, so argv and output may hold any bytes (newlines, spaces, quotes) without escaping.
 * Request ids are decimal and chosen by the host; the guest echoes them.
 */
export type ControlRequest =
  | { id: number; op: 'ping' }
  | { id: number; op: 'shutdown' }
  /** Freezes (`fsfreeze`) or thaws the filesystem of volume disk `volume` (its index in the run config). */
  | { id: number; op: 'freeze' | 'thaw'; volume: number }
  | { id: number; op: 'exec'; container: string | null; argv: readonly string[]; timeoutMs: number };

export type ControlReply =
  | { id: number; kind: 'pong' }
  | { id: number; kind: 'ok' }
  | { id: number; kind: 'exit'; exitCode: number; output: string }
  | { id: number; kind: 'err'; message: string };

export function encodeField(value: string): string {
  return value === '' ? '-' : Buffer.from(value, 'utf8').toString('base64');
}

export function decodeField(field: string): string {
  return field === '-' ? '' : Buffer.from(field, 'base64').toString('utf8');
}

/** One request frame, newline included. */
export function encodeRequest(request: ControlRequest): string {
  switch (request.op) {
    case 'ping':
    case 'shutdown':
      return `${request.id} ${request.op}\n`;
    case 'freeze':
    case 'thaw':
      if (!Number.isInteger(request.volume) || request.volume < 0) throw new Error(`${request.op} needs a volume index, not ${request.volume}`);
      return `${request.id} ${request.op} ${request.volume}\n`;
    case 'exec': {
      if (request.argv.length === 0) throw new Error('exec needs a command (argv is empty)');
      const timeout = Math.max(1, Math.round(request.timeoutMs));
      return `${request.id} exec ${timeout} ${encodeField(request.container ?? '')} ${request.argv.map(encodeField).join(' ')}\n`;
    }
  }
}

/** Parses one reply line (without its newline); null for anything that is not a reply frame (noise is ignored). */
export function parseReply(line: string): ControlReply | null {
  const fields = line.trim().split(' ');
  const [idText, kind, a, b] = fields;
  if (!idText || !/^\d+$/.test(idText)) return null;
  const id = Number(idText);
  switch (kind) {
    case 'pong':
    case 'ok':
      return { id, kind };
    case 'exit':
      if (!a || !/^\d+$/.test(a)) return null;
      return { id, kind, exitCode: Number(a), output: decodeField(b ?? '-') };
    case 'err':
      return { id, kind, message: decodeField(a ?? '-') };
    default:
      return null;
  }
}
