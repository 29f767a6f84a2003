import { connect as netConnect, type Socket } from 'node:net';
import type { ExecResult } from '../domain/exec-result.js';
import { type ControlReply, type ControlRequest, encodeRequest, parseReply } from './control-protocol.js';

/** The guest did not answer, the connection broke, or the guest refused a request. */
export class ControlChannelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlChannelError';
  }
}

export interface ConnectOptions {
  signal?: AbortSignal;
  /** How long to keep trying while the socket does not exist or refuses (QEMU starting); default 10 s. */
  timeoutMs?: number;
}

/** Extra time the host waits beyond an exec's own timeout (the guest enforces it; TCG is slow). */
const EXEC_GRACE_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** A freeze first flushes every dirty page of the volume to its disk: give a busy database time. */
const FREEZE_TIMEOUT_MS = 60_000;

interface Pending {
  resolve: (reply: ControlReply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Host end of a microVM's control channel: the Unix socket of the virtio-serial port `ctl0`
 * (QEMU `-chardev socket,server=on,wait=off`; Firecracker has no virtio-serial, see README.md).
 * Requests may overlap; replies are matched by id. Keep one client connected per VM: the port
 * has one guest reader, and an idle connected client costs the guest nothing.
 */
export class ControlClient {
  readonly #socket: Socket;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #buffer = '';
  #closed: Error | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(new ControlChannelError(`control channel failed: ${error.message}`)));
    socket.on('close', () => this.#fail(new ControlChannelError('control channel closed (the VM stopped?)')));
  }

  /** Connects to `socketPath`, retrying every 50 ms until it accepts or `timeoutMs` passes. */
  static async connect(socketPath: string, options: ConnectOptions = {}): Promise<ControlClient> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    let last: Error | undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      try {
        return new ControlClient(await openSocket(socketPath));
      } catch (error) {
        last = error as Error;
      }
      if (Date.now() >= deadline) throw new ControlChannelError(`cannot connect to the control socket ${socketPath}: ${last?.message ?? 'timed out'}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Resolves once the guest's control agent answers. */
  async ping(timeoutMs = REQUEST_TIMEOUT_MS): Promise<void> {
    await this.#request({ id: this.#id(), op: 'ping' }, timeoutMs);
  }

  /**
   * Runs `argv` inside container `container` (null: the first) — its mount and PID namespaces,
   * root, user and environment. A command not found exits 127; one that outlives `timeoutMs` is
   * killed and resolves with 124 and a note in `output`. Output (stdout and stderr merged) is cut
   * at 64 KiB. Rejects when the container is not running or the channel fails.
   */
  async exec(container: string | null, argv: string[], timeoutMs: number): Promise<ExecResult> {
    const reply = await this.#request({ id: this.#id(), op: 'exec', container, argv, timeoutMs }, timeoutMs + EXEC_GRACE_MS);
    if (reply.kind !== 'exit') throw new ControlChannelError(`unexpected reply ${reply.kind} to exec`);
    return { exitCode: reply.exitCode, output: reply.output };
  }

  /**
   * Starts the guest's graceful shutdown (SIGTERM to every container, SIGKILL after its stop
   * timeout, then power off) and resolves once the guest acknowledged it; the VM process exits
   * by itself afterwards.
   */
  async shutdown(timeoutMs = REQUEST_TIMEOUT_MS): Promise<void> {
    await this.#request({ id: this.#id(), op: 'shutdown' }, timeoutMs);
  }

  /**
   * Freezes the guest's filesystem on volume disk `volume` (flushed to the disk, writes blocked),
   * so the host can copy the disk image consistently; `thaw` lets writes go on. The guest thaws
   * by itself after 30 minutes, should the host never ask (an agent that died mid-copy).
   */
  async freeze(volume: number, timeoutMs = FREEZE_TIMEOUT_MS): Promise<void> {
    await this.#request({ id: this.#id(), op: 'freeze', volume }, timeoutMs);
  }

  async thaw(volume: number, timeoutMs = REQUEST_TIMEOUT_MS): Promise<void> {
    await this.#request({ id: this.#id(), op: 'thaw', volume }, timeoutMs);
  }

  close(): void {
    this.#fail(new ControlChannelError('control client closed'));
    this.#socket.destroy();
  }

  #id(): number {
    return this.#nextId++;
  }

  #request(request: ControlRequest, timeoutMs: number): Promise<ControlReply> {
    if (this.#closed) return Promise.reject(this.#closed);
    const line = encodeRequest(request);
    return new Promise<ControlReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(request.id);
        reject(new ControlChannelError(`the guest did not answer ${request.op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(request.id, {
        resolve: (reply) => (reply.kind === 'err' ? reject(new ControlChannelError(reply.message)) : resolve(reply)),
        reject,
        timer,
      });
      this.#socket.write(line);
    });
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    for (let nl = this.#buffer.indexOf('\n'); nl >= 0; nl = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, nl);
      this.#buffer = this.#buffer.slice(nl + 1);
      const reply = parseReply(line);
      const pending = reply ? this.#pending.get(reply.id) : undefined;
      if (!reply || !pending) continue;
      this.#pending.delete(reply.id);
      clearTimeout(pending.timer);
      pending.resolve(reply);
    }
  }

  #fail(error: Error): void {
    this.#closed ??= error;
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }
}

/**
 * One connection attempt, bounded: a connect to a socket whose listener does not accept (QEMU
 * still busy with a previous client) must not hang the caller's retry loop.
 */
function openSocket(path: string, attemptMs = 2_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(path);
    const timer = setTimeout(() => socket.destroy(new Error(`no answer to connect within ${attemptMs} ms`)), attemptMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}
