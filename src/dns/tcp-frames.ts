/** The largest DNS message TCP framing can carry (a 2-byte length, RFC 1035 §4.2.2). */
export const MAX_TCP_MESSAGE = 65_535;

/** Prefixes a message with its 2-byte length. */
export function frameMessage(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}

/**
 * Splits a TCP byte stream into DNS messages: `push` each chunk as it arrives and get the
 * messages it completed, in order. Several messages per connection; a partial one waits.
 */
export class TcpFrameReader {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const messages: Buffer[] = [];
    while (this.#pending.length >= 2) {
      const size = this.#pending.readUInt16BE(0);
      if (this.#pending.length < 2 + size) break;
      messages.push(this.#pending.subarray(2, 2 + size));
      this.#pending = this.#pending.subarray(2 + size);
    }
    return messages;
  }
}
