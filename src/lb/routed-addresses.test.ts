import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../api/catalog.js';
import { routedAddresses } from './routed-addresses.js';

const publicHttp = { name: 'web', port: 80, protocol: 'http' as const, public: { host: 'a.example.com', port: 80, tls: null } };
const entry = (app: string, ports: CatalogEntry['ports'], addresses: string[]): CatalogEntry => ({
  app,
  namespace: 'default',
  ports,
  instances: addresses.map((address, n) => ({ id: `${app}-${n}`, address, host: 'h1' })),
});

describe('routedAddresses', () => {
  it.each([
    { name: 'nothing published', services: [], want: [] },
    { name: 'a published http port', services: [entry('a', [publicHttp], ['10.0.0.2', '10.0.0.3'])], want: ['10.0.0.2', '10.0.0.3'] },
    { name: 'tcp is proxied as http', services: [entry('a', [{ ...publicHttp, protocol: 'tcp' }], ['10.0.0.2'])], want: ['10.0.0.2'] },
    { name: 'udp is never published', services: [entry('a', [{ ...publicHttp, protocol: 'udp' }], ['10.0.0.2'])], want: [] },
    { name: 'a private port only (DNS, not the lb)', services: [entry('redis', [{ ...publicHttp, public: null }], ['10.0.0.4'])], want: [] },
    {
      name: 'several apps, duplicates once',
      services: [entry('a', [publicHttp, { ...publicHttp, name: 'admin', port: 81 }], ['10.0.0.2']), entry('b', [publicHttp], ['10.0.0.5']), entry('c', [{ ...publicHttp, public: null }], ['10.0.0.6'])],
      want: ['10.0.0.2', '10.0.0.5'],
    },
  ])('$name', ({ services, want }) => {
    expect([...routedAddresses(services)].sort()).toEqual(want);
  });
});
