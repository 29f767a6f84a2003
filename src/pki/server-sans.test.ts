import { describe, expect, it } from 'vitest';
import { serverSans } from './server-sans.js';

describe('serverSans', () => {
  it('defaults to loopback, the host name and non-loopback IPv4 addresses for a wildcard listener', () => {
    expect(serverSans({ listenHost: '0.0.0.0', extra: [], hostname: 'ctl-1', interfaceAddresses: ['127.0.0.1', '192.0.2.5', 'fe80::1'] })).toEqual({
      dnsNames: ['localhost', 'ctl-1'],
      ips: ['127.0.0.1', '192.0.2.5'],
    });
  });

  it('takes --tls-san instead of the machine names, and always the specific listen address', () => {
    expect(serverSans({ listenHost: '192.0.2.9', extra: ['bubo.example.com', '198.51.100.1'], hostname: 'ctl-1', interfaceAddresses: ['192.0.2.5'] })).toEqual({
      dnsNames: ['localhost', 'bubo.example.com'],
      ips: ['127.0.0.1', '192.0.2.9', '198.51.100.1'],
    });
  });
});
