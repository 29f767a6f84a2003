import { describe, expect, it } from 'vitest';
import { mergeAsyncIterables } from './merge-async-iterables.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function* timed(name: string, delays: number[], closed?: string[]): AsyncGenerator<string> {
  try {
    for (const [i, delay] of delays.entries()) {
      await sleep(delay);
      yield `${name}${i}`;
    }
  } finally {
    closed?.push(name);
  }
}

describe('mergeAsyncIterables', () => {
  it('yields items in the order they arrive across sources', async () => {
    const out: string[] = [];
    for await (const item of mergeAsyncIterables([timed('a', [5, 40]), timed('b', [20, 40])])) out.push(item);
    expect(out).toEqual(['a0', 'b0', 'a1', 'b1']);
  });

  it('ends at once with no sources', async () => {
    const out: string[] = [];
    for await (const item of mergeAsyncIterables<string>([])) out.push(item);
    expect(out).toEqual([]);
  });

  it('closes every source when the consumer stops early', async () => {
    const closed: string[] = [];
    for await (const item of mergeAsyncIterables([timed('a', [5, 1000], closed), timed('b', [1000], closed)])) {
      expect(item).toBe('a0');
      break;
    }
    await sleep(1100);
    expect(closed.sort()).toEqual(['a', 'b']);
  });

  it('passes a source error on after closing the others', async () => {
    const closed: string[] = [];
    async function* failing(): AsyncGenerator<string> {
      await sleep(5);
      if (Date.now() > 0) throw new Error('boom');
      yield 'never';
    }
    await expect(async () => {
      for await (const _ of mergeAsyncIterables([failing(), timed('b', [1000], closed)])) {
      }
    }).rejects.toThrow('boom');
    await sleep(1100);
    expect(closed).toEqual(['b']);
  });
});
