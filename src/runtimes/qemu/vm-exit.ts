import { open } from 'node:fs/promises';
import { describeExit } from '../restart-decision.js';
import { bootState, containerExits } from './console-log.js';
import type { QemuInstanceLayout } from './instance-layout.js';
import type { QemuRecord } from './qemu-record.js';

/** Why a VM whose QEMU is gone ended, from the end of its console. */
export async function vmExit(layout: QemuInstanceLayout, record: QemuRecord): Promise<{ exitCode: number | null; message: string }> {
  const console = await readTail(layout.consoleLog, 256 * 1024);
  const boot = bootState(console);
  if (boot.state === 'failed') return { exitCode: null, message: `the guest failed: ${boot.reason}` };
  const exits = containerExits(console);
  const all = record.containers.every((c) => exits.has(c.name));
  if (record.containers.length > 0 && all && /every container has exited: powering off/.test(console)) {
    const codes = record.containers.map((c) => ({ name: c.name, code: exits.get(c.name) as number }));
    return {
      exitCode: codes.find((c) => c.code !== 0)?.code ?? 0,
      message: codes.map((c) => `container ${c.name} ${describeExit(c.code)}`).join('; '),
    };
  }
  return { exitCode: null, message: 'the VM is gone: QEMU was killed or crashed' };
}

/** The last `bytes` of a file ('' when missing). */
async function readTail(path: string, bytes: number): Promise<string> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return '';
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
