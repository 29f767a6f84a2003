/**
 * Encoded replies of the current catalog, keyed by the query's bytes after its id. Answering a
 * query is a pure function of the query and the catalog (`answerQuery`, `encodeReply`), and the
 * reply depends on the id only by echoing it, so a query seen before is answered by copying its
 * reply and writing the new id: no decode, no records, no encode. That is what makes a small
 * catalog as fast as dnsmasq (resolvers ask the same few names over and over). Names differing
 * only in case (0x20 randomisation) are different keys, so each reply keeps its question's case.
 *
 * The owner clears it whenever the catalog changes. At most `max` replies; when full it starts
 * over (a scan of random names cannot grow it, and the live set refills in a few queries).
 */
export class ReplyCache {
  readonly #max: number;
  readonly #replies = new Map<string, Buffer>();

  constructor(max = 4096) {
    this.#max = max;
  }

  /** The cached reply to `query` with `query`'s id, or undefined. */
  get(query: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
    if (query.length < 12) return undefined;
    const cached = this.#replies.get(key(query, transport));
    if (cached === undefined) return undefined;
    const reply = Buffer.allocUnsafe(cached.length);
    cached.copy(reply);
    reply[0] = query[0]!;
    reply[1] = query[1]!;
    return reply;
  }

  /** Remembers `reply` as the answer to `query` (both as sent; the id is patched on reuse). */
  set(query: Buffer, transport: 'udp' | 'tcp', reply: Buffer): void {
    if (query.length < 12 || reply.length < 12) return;
    if (this.#replies.size >= this.#max) this.#replies.clear();
    this.#replies.set(key(query, transport), Buffer.from(reply));
  }

  clear(): void {
    this.#replies.clear();
  }

  get size(): number {
    return this.#replies.size;
  }
}

function key(query: Buffer, transport: 'udp' | 'tcp'): string {
  // latin1 maps each byte to one character: distinct byte strings give distinct keys.
  return (transport === 'udp' ? 'u' : 't') + query.toString('latin1', 2);
}
