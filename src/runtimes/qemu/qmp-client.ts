import { createConnection, type Socket } from 'node:net';

/** QMP could not be reached, answered with an error, or did not answer in time. */
export class QmpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QmpError';
  }
}

export interface QmpStatus {
  /** `running`, `paused`, `shutdown`, `inmigrate`, … */
  status: string;
  running: boolean;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A minimal QEMU Machine Protocol client over the VM's unix socket: the greeting,
 * `qmp_capabilities`, then one command at a time. Hand-written because QMP is a handful of JSON
 * lines and the npm clients (qmp, qemu-qmp) are unmaintained and callback-based; we need only
 * `query-status` and `quit`. Events (`{"event": …}`) are ignored. Every call has a timeout.
 */
export class QmpClient {
  readonly #socket: Socket;
  readonly #timeoutMs: number;
  #buffer = '';
  #nextId = 1;
  readonly #pending = new Map<string, Pending>();
  #closed: Error | null = null;

  private constructor(socket: Socket, timeoutMs: number) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#receive(chunk));
    socket.on('error', (error) => this.#fail(new QmpError(`QMP connection failed: ${error.message}`)));
    socket.on('close', () => this.#fail(new QmpError('QMP connection closed')));
  }

  /** Connects, waits for the greeting and negotiates capabilities; rejects after `timeoutMs`. */
  static async connect(socketPath: string, timeoutMs = 3_000): Promise<QmpClient> {
    const socket = createConnection(socketPath);
    const client = new QmpClient(socket, timeoutMs);
    try {
      await client.#await('greeting', 'greeting');
      await client.execute('qmp_capabilities');
      return client;
    } catch (error) {
      client.close();
      throw error instanceof QmpError ? error : new QmpError(`QMP at ${socketPath}: ${(error as Error).message}`);
    }
  }

  /** Runs one command and returns its `return` value. */
  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const id = String(this.#nextId++);
    const answer = this.#await(id, command);
    this.#socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id })}\n`);
    return answer;
  }

  /** A promise for the message with `id` (`greeting` for the greeting), rejected after the timeout. */
  #await(id: string, what: string): Promise<unknown> {
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new QmpError(`QMP ${what} got no answer in ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
    });
  }

  async queryStatus(): Promise<QmpStatus> {
    return (await this.execute('query-status')) as QmpStatus;
  }

  /**
   * Asks QEMU to exit at once (no guest shutdown). QEMU may close the socket before or after it
   * answers; both count as done.
   */
  async quit(): Promise<void> {
    try {
      await this.execute('quit');
    } catch (error) {
      if (!(error instanceof QmpError && error.message === 'QMP connection closed')) throw error;
    }
  }

  close(): void {
    this.#fail(new QmpError('QMP connection closed'));
    this.#socket.destroy();
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    for (let nl = this.#buffer.indexOf('\n'); nl !== -1; nl = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, nl).trim();
      this.#buffer = this.#buffer.slice(nl + 1);
      if (line) this.#message(line);
    }
  }

  #message(line: string): void {
    let message: { QMP?: unknown; id?: string; return?: unknown; error?: { class?: string; desc?: string } };
    try {
      message = JSON.parse(line);
    } catch {
      return; // Not QMP; nothing sensible to do with it.
    }
    if (message.QMP) {
      this.#settle('greeting', (p) => p.resolve(undefined));
      return;
    }
    if (message.id === undefined) return; // An event.
    this.#settle(String(message.id), (p) =>
      message.error ? p.reject(new QmpError(`QMP error ${message.error.class ?? ''}: ${message.error.desc ?? line}`)) : p.resolve(message.return),
    );
  }

  #settle(id: string, action: (pending: Pending) => void): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    action(pending);
  }

  #fail(error: Error): void {
    if (this.#closed) return;
    this.#closed = error;
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }
}
