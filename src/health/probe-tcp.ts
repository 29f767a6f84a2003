import { connect } from 'node:net';
import type { ProbeResult } from './prober.js';
import { runProbe } from './run-probe.js';

/** Passes when a TCP connection to `address:port` opens within `timeoutMs`; closes it at once. */
export function probeTcp(address: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> {
  const where = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
  return runProbe(`tcp ${where}`, timeoutMs, signal, (aborted) => open(address, port, where, aborted));
}

function open(host: string, port: number, where: string, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const close = () => socket.destroy();
    signal.addEventListener('abort', close, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', close);
      socket.destroy();
      resolve({ ok: true, message: `connected to ${where}` });
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', close);
      reject(error);
    });
  });
}
