import { describe, expect, it } from 'vitest';
import { parseListen } from './start-server.js';

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:7070', { host: '127.0.0.1', port: 7070 }],
    ['0.0.0.0:0', { host: '0.0.0.0', port: 0 }],
    ['[::1]:7070', { host: '::1', port: 7070 }],
    ['localhost:80', { host: 'localhost', port: 80 }],
  ])('reads %s', (listen, expected) => {
    expect(parseListen(listen)).toEqual(expected);
  });

  it.each(['7070', '127.0.0.1', '127.0.0.1:99999', ':7070'])('refuses %s with an example of the right form', (listen) => {
    expect(() => parseListen(listen)).toThrow(/must be host:port, e\.g\. 127\.0\.0\.1:7070/);
  });
});
