import { describe, expect, it } from 'vitest';
import { decodeField, encodeField, encodeRequest, parseReply } from './control-protocol.js';

describe('control protocol framing', () => {
  it('encodes an exec request with every argument in base64 and the empty ones as "-"', () => {
    const line = encodeRequest({ id: 7, op: 'exec', container: 'web', argv: ['sh', '-c', "echo 'a b'\nexit 3", ''], timeoutMs: 2500 });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1).split('\n')).toHaveLength(1);
    const [id, op, timeout, container, ...argv] = line.trim().split(' ');
    expect([id, op, timeout]).toEqual(['7', 'exec', '2500']);
    expect(decodeField(container as string)).toBe('web');
    expect(argv.map(decodeField)).toEqual(['sh', '-c', "echo 'a b'\nexit 3", '']);
    expect(argv[3]).toBe('-');
  });

  it('sends a null container as "-" (the guest picks the first container)', () => {
    expect(encodeRequest({ id: 1, op: 'exec', container: null, argv: ['true'], timeoutMs: 10 })).toBe(`1 exec 10 - ${encodeField('true')}\n`);
  });

  it('refuses an exec without a command', () => {
    expect(() => encodeRequest({ id: 1, op: 'exec', container: null, argv: [], timeoutMs: 10 })).toThrow(/argv is empty/);
  });

  it('encodes freeze and thaw of a volume disk by its index, and refuses a bad index', () => {
    expect(encodeRequest({ id: 5, op: 'freeze', volume: 0 })).toBe('5 freeze 0\n');
    expect(encodeRequest({ id: 6, op: 'thaw', volume: 2 })).toBe('6 thaw 2\n');
    expect(() => encodeRequest({ id: 7, op: 'freeze', volume: -1 })).toThrow('freeze needs a volume index');
  });

  it('encodes ping and shutdown', () => {
    expect(encodeRequest({ id: 3, op: 'ping' })).toBe('3 ping\n');
    expect(encodeRequest({ id: 4, op: 'shutdown' })).toBe('4 shutdown\n');
  });

  it.each([
    ['3 pong', { id: 3, kind: 'pong' }],
    ['4 ok', { id: 4, kind: 'ok' }],
    [`5 exit 2 ${encodeField('out\nput ü\n')}`, { id: 5, kind: 'exit', exitCode: 2, output: 'out\nput ü\n' }],
    ['6 exit 0 -', { id: 6, kind: 'exit', exitCode: 0, output: '' }],
    [`8 err ${encodeField('no container named x')}`, { id: 8, kind: 'err', message: 'no container named x' }],
  ])('parses the reply %s', (line, reply) => {
    expect(parseReply(line)).toEqual(reply);
  });

  it.each(['', 'hello', 'x pong', '3 exit', '3 exit abc -', '3 bogus'])('ignores the non-reply %j', (line) => {
    expect(parseReply(line)).toBeNull();
  });
});
