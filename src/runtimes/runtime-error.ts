/**
 * Base of the errors a runtime throws for an instance. The message is written for the user and
 * says what could not be done, then why: "Cannot start instance web-1: image nginx:9 not found".
 * (The agent adds its own prefix when it reports a failed start: "start failed: …".)
 */
export class RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A start that failed for a reason the user must see (missing image, bad entrypoint...). Image
 * pull failures keep the pull's own message, which names the image; everything else reads
 * "Cannot start instance <id>: <why>" (`RuntimeStartError.of`).
 */
export class RuntimeStartError extends RuntimeError {
  static of(id: string, why: string): RuntimeStartError {
    return new RuntimeStartError(`Cannot start instance ${id}: ${why}`);
  }
}

/** `stop` could not remove an instance: "Cannot stop instance <id>: <why>". */
export class RuntimeStopError extends RuntimeError {
  static of(id: string, why: string): RuntimeStopError {
    return new RuntimeStopError(`Cannot stop instance ${id}: ${why}`);
  }
}

/** An instance cannot run a command (`exec`): "Cannot exec in instance <id>: <why>". */
export class RuntimeExecError extends RuntimeError {
  static of(id: string, why: string): RuntimeExecError {
    return new RuntimeExecError(`Cannot exec in instance ${id}: ${why}`);
  }
}

/** The runtime lacks an optional ability for an instance: "Cannot read logs of instance <id>: <why>". */
export class RuntimeLogsError extends RuntimeError {
  static of(id: string, why: string): RuntimeLogsError {
    return new RuntimeLogsError(`Cannot read logs of instance ${id}: ${why}`);
  }
}
