import { connect, type Socket } from 'node:net';

/** The guest port the control agent listens on over vsock (the same line protocol as QEMU's virtio-serial port). */
export const CONTROL_VSOCK_PORT = 1024;

export class VsockConnectError extends Error {
  constructor(
    readonly udsPath: string,
    readonly port: number,
    message: string,
  ) {
    super(`vsock ${udsPath} port ${port}: ${message}`);
    this.name = 'VsockConnectError';
  }
}

/**
 * Opens a host-initiated vsock connection through Firecracker's Unix socket: connect to the
 * socket, send `CONNECT <port>\n`, expect `OK <host port>\n` (Firecracker's vsock design). The
 * resolved socket is then a plain byte stream to the guest's listener on `port`; bytes the guest
 * sent right after the acknowledgement are put back in front of the stream.
 */
export function connectVsock(udsPath: string, port: number, timeoutMs = 2_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(udsPath);
    let buffered = Buffer.alloc(0);
    const fail = (message: string) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new VsockConnectError(udsPath, port, message));
    };
    const timer = setTimeout(() => fail(`no answer to CONNECT within ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      const line = buffered.subarray(0, end).toString();
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (!/^OK \d+$/.test(line)) return fail(`expected "OK <port>", got ${JSON.stringify(line)}`);
      clearTimeout(timer);
      socket.pause();
      const rest = buffered.subarray(end + 1);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    const onError = (error: Error) => fail(error.message);
    // Firecracker closes the connection when nothing listens on the guest port.
    const onClose = () => fail('connection closed (is the guest listening on that port?)');
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.on('connect', () => socket.write(`CONNECT ${port}\n`));
  });
}
