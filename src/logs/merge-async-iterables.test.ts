import { describe, expect, it } from 'vitest';
import { mergeAsyncIterables } from './merge-async-iterables.js';

/** A promise the test resolves by hand: sources advance when the test says so, never by the clock. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Yields `name0`, `name1`, … each once its gate opens; `closed` resolves when the source is closed. */
function gated(name: string, gates: ReturnType<typeof gate>[]) {
  const closed = gate();
  async function* source(): AsyncGenerator<string> {
    try {
      for (const [i, g] of gates.entries()) {
        await g.opened;
        yield `${name}${i}`;
      }
    } finally {
      closed.open();
    }
  }
  return { source: source(), closed: closed.opened };
}

describe('mergeAsyncIterables', () => {
  it('yields items in the order they arrive across sources', async () => {
    const ga = [gate(), gate()];
    const gb = [gate(), gate()];
    const merged = mergeAsyncIterables([gated('a', ga).source, gated('b', gb).source])[Symbol.asyncIterator]();
    const next = async (g: ReturnType<typeof gate>) => {
      const item = merged.next();
      g.open();
      return (await item).value;
    };
    expect([await next(ga[0]!), await next(gb[0]!), await next(ga[1]!), await next(gb[1]!)]).toEqual(['a0', 'b0', 'a1', 'b1']);
    expect((await merged.next()).done).toBe(true);
  });

  it('ends at once with no sources', async () => {
    const out: string[] = [];
    for await (const item of mergeAsyncIterables<string>([])) out.push(item);
    expect(out).toEqual([]);
  });

  it('closes every source when the consumer stops early', async () => {
    const ga = [gate(), gate()];
    const gb = [gate()];
    const a = gated('a', ga);
    const b = gated('b', gb);
    ga[0]!.open();
    for await (const item of mergeAsyncIterables([a.source, b.source])) {
      expect(item).toBe('a0');
      break;
    }
    // A source waiting inside its own `await` is closed as soon as it reaches its next yield.
    ga[1]!.open();
    gb[0]!.open();
    await Promise.all([a.closed, b.closed]);
  });

  it('passes a source error on after closing the others', async () => {
    const fail = gate();
    async function* failing(): AsyncGenerator<string> {
      const reached = await fail.opened.then(() => true);
      if (reached) throw new Error('boom');
      yield 'never';
    }
    const gb = [gate()];
    const b = gated('b', gb);
    const consumed = (async () => {
      for await (const _ of mergeAsyncIterables([failing(), b.source])) {
      }
    })();
    fail.open();
    await expect(consumed).rejects.toThrow('boom');
    gb[0]!.open();
    await b.closed;
  });
});
