import { describe, expect, it } from 'vitest';
import { frameMessage, TcpFrameReader } from './tcp-frames.js';

describe('TcpFrameReader', () => {
  it('returns every message of a chunk holding several', () => {
    const reader = new TcpFrameReader();
    const chunk = Buffer.concat([frameMessage(Buffer.from('one')), frameMessage(Buffer.from('two'))]);
    expect(reader.push(chunk).map(String)).toEqual(['one', 'two']);
  });

  it('waits for a message split across chunks, even inside its length', () => {
    const reader = new TcpFrameReader();
    const bytes = Buffer.concat([frameMessage(Buffer.from('hello')), frameMessage(Buffer.from('x'))]);
    expect(reader.push(bytes.subarray(0, 1))).toEqual([]);
    expect(reader.push(bytes.subarray(1, 4))).toEqual([]);
    expect(reader.push(bytes.subarray(4, 8)).map(String)).toEqual(['hello']);
    expect(reader.push(bytes.subarray(8)).map(String)).toEqual(['x']);
  });
});
