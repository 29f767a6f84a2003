import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readSecretInput } from './read-secret-input.js';

/** A terminal stand-in: a stream with isTTY and setRawMode, fed `chunks` once reading starts. */
function terminal(chunks: string[]) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, raw: [] as boolean[], setRawMode(mode: boolean) {
    this.raw.push(mode);
    return this;
  } });
  const stderr = Object.assign(new PassThrough(), { text: '' });
  stderr.on('data', (d) => (stderr.text += d));
  setImmediate(() => {
    for (const chunk of chunks) stdin.write(chunk);
  });
  return { stdin: stdin as unknown as NodeJS.ReadStream & { raw: boolean[] }, stderr: stderr as unknown as NodeJS.WriteStream & { text: string } };
}

describe('readSecretInput', () => {
  it('reads all of a piped stdin, dropping one trailing newline', async () => {
    const stdin = new PassThrough();
    stdin.end('line one\nline two\n');
    expect(await readSecretInput('', stdin as unknown as NodeJS.ReadStream)).toBe('line one\nline two');
  });

  it.each([
    ['a line ended by Enter', ['hunter2\r'], 'hunter2'],
    ['typed in pieces with a backspace', ['hunt', 'err\u007f', '2\n'], 'hunter2'],
    ['ended by Ctrl-D', ['abc\u0004'], 'abc'],
  ])('on a terminal, reads %s without echo and leaves raw mode', async (_what, chunks, expected) => {
    const t = terminal(chunks);
    expect(await readSecretInput('value: ', t.stdin, t.stderr)).toBe(expected);
    expect(t.stdin.raw).toEqual([true, false]);
    expect(t.stderr.text).toBe('value: \n');
  });

  it.each([
    ['Ctrl-C', ['abc\u0003'], 'cancelled; nothing was set'],
    ['a paste of several lines', ['line one\r\nline two\r\n'], 'the value has several lines; give it with --from-file or through a pipe'],
  ])('on a terminal, refuses %s and leaves raw mode', async (_what, chunks, message) => {
    const t = terminal(chunks);
    await expect(readSecretInput('value: ', t.stdin, t.stderr)).rejects.toThrow(message);
    expect(t.stdin.raw).toEqual([true, false]);
  });
});
