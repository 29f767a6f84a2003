import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { auditSyslogCommand, auditSyslogSink, parseSyslogTarget } from './audit-syslog-sink.js';

const record = { at: Date.parse('2026-12-03T12:00:00Z'), actor: 'alice', role: 'deployer', method: 'POST', route: '/v1/deploy', target: '/v1/deploy', status: 403, code: 'forbidden' };

describe('audit to syslog', () => {
  it.each<[string | true, { host: string; port: number } | null]>([
    [true, null],
    ['local', null],
    ['siem.example:514', { host: 'siem.example', port: 514 }],
    ['[2001:db8::1]:5514', { host: '2001:db8::1', port: 5514 }],
  ])('reads --audit-syslog %j', (text, expected) => {
    expect(parseSyslogTarget(text)).toEqual(expected);
  });

  it.each(['siem.example', 'host:0', 'host:70000', 'a b:514'])('refuses --audit-syslog %j, saying what it takes', (text) => {
    expect(() => parseSyslogTarget(text)).toThrow('must be host:port (UDP)');
  });

  it('gives logger the record on stdin, never as an argument', () => {
    const command = auditSyslogCommand('{"actor":"alice"}', { host: '127.0.0.1', port: 5514 });
    expect(command.argv).toEqual(['logger', '--tag', 'bubo-audit', '--priority', 'auth.notice', '--udp', '--server', '127.0.0.1', '--port', '5514']);
    expect(command.input).toBe('{"actor":"alice"}\n');
  });

  it('sends each record through the real logger to a UDP collector, in order', async () => {
    const socket = createSocket('udp4');
    const received: string[] = [];
    socket.on('message', (message) => received.push(message.toString('utf8')));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    try {
      const reports: string[] = [];
      const sink = auditSyslogSink({ host: '127.0.0.1', port: socket.address().port }, (line) => reports.push(line));
      sink.write(record);
      sink.write({ ...record, status: 201, code: null });
      await sink.idle();
      for (let i = 0; i < 50 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(reports).toEqual([]);
      expect(received).toHaveLength(2);
      // RFC 5424: <priority> (auth = 4, notice = 5: 37), the tag, then the record as JSON.
      expect(received[0]).toMatch(/^<37>1 \S+ \S+ bubo-audit /);
      expect(received[0]).toContain('{"at":"2026-12-03T12:00:00.000Z","actor":"alice","role":"deployer","method":"POST","route":"/v1/deploy","target":"/v1/deploy","status":403,"code":"forbidden"}');
      expect(received[1]).toContain('"status":201');
    } finally {
      socket.close();
    }
  });
});
