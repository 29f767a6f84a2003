const serialized = new WeakMap<object, Buffer>();

/**
 * The JSON bytes of an answer, computed once per object: a long-poll answer shared by many
 * pollers (the catalog, `core/answer-cache.ts`) is serialised once, not once per poller, and
 * every socket is handed the same buffer. Answers must not change after they were sent.
 */
export function serializeOnce(value: object): Buffer {
  let bytes = serialized.get(value);
  if (!bytes) {
    bytes = Buffer.from(JSON.stringify(value));
    serialized.set(value, bytes);
  }
  return bytes;
}
