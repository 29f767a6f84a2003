import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../api/catalog.js';
import { LbConfigError } from './lb-config-error.js';
import { type NginxConfigInput, renderNginxConfig } from './render-nginx-config.js';

const paths = { pidFile: '/var/lib/bubo/lb/nginx.pid', errorLog: '/var/lib/bubo/lb/logs/error.log', tempDir: '/var/lib/bubo/lb/temp' };

type Port = CatalogEntry['ports'][number];

function service(app: string, ports: Partial<Port>[], addresses: string[], namespace = 'default'): CatalogEntry {
  return {
    app,
    namespace,
    ports: ports.map((p) => ({ name: 'web', port: 8080, protocol: 'http', public: null, ...p })),
    instances: addresses.map((address, i) => ({ id: `${app}-${i}`, address, host: 'h1' })),
  };
}

const shop = service('shop', [{ public: { host: 'shop.example.com', port: 80, tls: null } }], ['10.210.0.11', '10.210.0.10']);

function render(services: CatalogEntry[], extra: Partial<NginxConfigInput> = {}): string {
  return renderNginxConfig({ services, paths, ...extra });
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof LbConfigError) return error.problems.map((p) => `${p.where}: ${p.message}`);
    throw error;
  }
  throw new Error('expected an LbConfigError');
}

/** The lines of the `server { … }` block whose server_name is `host`. */
function serverBlock(config: string, host: string): string {
  const lines = config.split('\n');
  const at = lines.findIndex((l) => l.trim() === `server_name ${host};`);
  expect(at, `server block for ${host}`).toBeGreaterThan(0);
  const end = lines.findIndex((l, i) => i > at && l === '    }');
  return lines.slice(at - 2, end + 1).join('\n');
}

describe('renderNginxConfig', () => {
  it('renders one upstream and one server for a published port, with the verified proxy settings', () => {
    const config = render([shop]);
    expect(config).toContain('pid "/var/lib/bubo/lb/nginx.pid";');
    expect(config).toContain('error_log "/var/lib/bubo/lb/logs/error.log" warn;');
    expect(config).toContain('proxy_temp_path "/var/lib/bubo/lb/temp/proxy";');
    for (const line of [
      'proxy_http_version 1.1;',
      'proxy_set_header Connection "";',
      'proxy_set_header Host $host;',
      'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      'proxy_set_header X-Forwarded-Proto $scheme;',
      'proxy_next_upstream error timeout http_502 http_503;',
      'proxy_connect_timeout 3s;',
    ]) {
      expect(config).toContain(`    ${line}\n`);
    }
    const upstream = /upstream (\S+) \{\n([^}]*)\}/.exec(config)!;
    expect(upstream[1]).toMatch(/^default__shop__web_80_[0-9a-f]{8}$/);
    expect(upstream[2]).toBe(
      [
        '        server 10.210.0.10:8080 max_fails=0;',
        '        server 10.210.0.11:8080 max_fails=0;',
        '        keepalive 16;',
        '    ',
      ].join('\n'),
    );
    expect(serverBlock(config, 'shop.example.com')).toBe(
      [
        '    server {',
        '        listen 0.0.0.0:80;',
        '        server_name shop.example.com;',
        '        location / {',
        `            proxy_pass http://${upstream[1]};`,
        '        }',
        '    }',
      ].join('\n'),
    );
  });

  it('adds a default server answering 404 on every listen port', () => {
    const config = render([shop]);
    expect(config).toContain(
      [
        '        listen 0.0.0.0:80 default_server;',
        '        server_name _;',
        '        return 404 "bubo: no app is published under this host name\\n";',
      ].join('\n'),
    );
  });

  it('renders no server at all for an empty catalog', () => {
    const config = render([]);
    expect(config).not.toContain('server {');
    expect(config).not.toMatch(/^\s*upstream /m);
    expect(config).toMatch(/^http \{$/m);
  });

  it('is deterministic: services, ports and instances in any order give the same text', () => {
    const admin = service('admin', [{ public: { host: 'admin.example.com', port: 80, tls: null } }], ['10.210.0.9']);
    const shuffled = { ...shop, instances: [...shop.instances].reverse() };
    expect(render([shop, admin])).toBe(render([admin, shuffled]));
  });

  it('orders instance addresses numerically and drops duplicates', () => {
    const config = render([service('shop', shop.ports, ['10.0.0.10', '10.0.0.9', '10.0.0.10'])]);
    const servers = config.split('\n').filter((l) => l.includes(' max_fails='));
    expect(servers.map((l) => l.trim().split(' ')[1])).toEqual(['10.0.0.9:8080', '10.0.0.10:8080']);
  });

  it('answers 503 for an app without serving instances instead of rendering an empty upstream', () => {
    const config = render([service('shop', shop.ports, [])]);
    expect(config).not.toMatch(/^\s*upstream /m);
    expect(serverBlock(config, 'shop.example.com')).toContain('return 503 "bubo: no healthy instance of default/shop\\n";');
  });

  it('listens on the mapped port and the given address', () => {
    const config = render([shop], { portMap: { 80: 8080 }, listenAddress: '127.0.0.1' });
    expect(config).toContain('listen 127.0.0.1:8080 default_server;');
    expect(config).toContain('listen 127.0.0.1:8080;');
    expect(config).not.toContain(':80;');
  });

  it('brackets IPv6 listen and instance addresses', () => {
    const config = render([service('shop', shop.ports, ['fd00::5'])], { listenAddress: '::' });
    expect(config).toContain('listen [::]:80;');
    expect(config).toContain('server [fd00::5]:8080 max_fails=0;');
  });

  it('groups servers per listen port, in port then host order', () => {
    const api = service('api', [{ name: 'api', port: 9000, public: { host: 'api.example.com', port: 8081, tls: null } }], ['10.0.0.3']);
    const admin = service('admin', [{ public: { host: 'admin.example.com', port: 80, tls: null } }], ['10.0.0.4']);
    const names = render([api, shop, admin])
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('server_name ') || l.startsWith('listen '))
      .map((l) => l.trim());
    expect(names).toEqual([
      'listen 0.0.0.0:80 default_server;',
      'server_name _;',
      'listen 0.0.0.0:80;',
      'server_name admin.example.com;',
      'listen 0.0.0.0:80;',
      'server_name shop.example.com;',
      'listen 0.0.0.0:8081 default_server;',
      'server_name _;',
      'listen 0.0.0.0:8081;',
      'server_name api.example.com;',
    ]);
  });

  it('serves TLS with the certificate and refuses handshakes for unknown names', () => {
    const tls = { cert: '/etc/bubo/certs/shop.pem', key: '/etc/bubo/certs/shop key.pem' };
    const config = render([service('shop', [{ public: { host: 'shop.example.com', port: 443, tls } }], ['10.0.0.1'])]);
    const block = serverBlock(config, 'shop.example.com');
    expect(block).toContain('listen 0.0.0.0:443 ssl;');
    expect(block).toContain('ssl_certificate "/etc/bubo/certs/shop.pem";');
    expect(block).toContain('ssl_certificate_key "/etc/bubo/certs/shop key.pem";');
    expect(config).toContain('listen 0.0.0.0:443 ssl default_server;\n        server_name _;\n        ssl_reject_handshake on;');
  });

  it.each([
    ['a port without public', { public: null }],
    ['a public udp port', { protocol: 'udp' as const, public: { host: 'dns.example.com', port: 53, tls: null } }],
  ])('does not publish %s', (_, port) => {
    expect(render([service('dns', [port], ['10.0.0.1'])])).not.toContain('server {');
  });

  it('publishes tcp ports as HTTP too', () => {
    const config = render([service('raw', [{ protocol: 'tcp', public: { host: 'raw.example.com', port: 80, tls: null } }], ['10.0.0.1'])]);
    expect(config).toContain('server_name raw.example.com;');
  });

  it('gives apps whose names slug alike different upstreams', () => {
    const a = service('a.b', [{ public: { host: 'one.example.com', port: 80, tls: null } }], ['10.0.0.1']);
    const b = service('a_b', [{ public: { host: 'two.example.com', port: 80, tls: null } }], ['10.0.0.2']);
    const names = [...render([a, b]).matchAll(/upstream (\S+) \{/g)].map((m) => m[1]);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
  });

  it('sizes the server name hash for the longest host name', () => {
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(render([shop])).toContain('server_names_hash_bucket_size 64;');
    const config = render([service('long', [{ public: { host: long, port: 80, tls: null } }], ['10.0.0.1'])]);
    expect(config).toContain('server_names_hash_bucket_size 512;');
  });

  it('lower-cases host names', () => {
    const config = render([service('shop', [{ public: { host: 'Shop.Example.COM', port: 80, tls: null } }], ['10.0.0.1'])]);
    expect(config).toContain('server_name shop.example.com;');
  });

  const bad: [string, CatalogEntry[], Partial<NginxConfigInput>, string][] = [
    ['a host with ";"', [service('shop', [{ public: { host: 'a;b', port: 80, tls: null } }], [])], {}, 'default/shop port web: public host "a;b" is not a DNS name'],
    [
      'a host with a newline and a brace',
      [service('shop', [{ public: { host: 'x.com\n}', port: 80, tls: null } }], [])],
      {},
      'default/shop port web: public host "x.com\\n}" is not a DNS name',
    ],
    [
      'a certificate path with a quote',
      [service('shop', [{ public: { host: 'shop.example.com', port: 443, tls: { cert: '/c"; include /etc/x;', key: '/k.pem' } } }], [])],
      {},
      'default/shop port web tls.cert: "/c\\"; include /etc/x;" contains a quote',
    ],
    [
      'a key path with "$"',
      [service('shop', [{ public: { host: 'shop.example.com', port: 443, tls: { cert: '/c.pem', key: '/k$host.pem' } } }], [])],
      {},
      'default/shop port web tls.key: "/k$host.pem" contains',
    ],
    [
      'a relative certificate path',
      [service('shop', [{ public: { host: 'shop.example.com', port: 443, tls: { cert: 'c.pem', key: '/k.pem' } } }], [])],
      {},
      'default/shop port web tls.cert: "c.pem" must be an absolute path',
    ],
    ['an instance address that is no IP', [service('shop', shop.ports, ['10.0.0.1;'])], {}, 'default/shop port web: instance shop-0 has address "10.0.0.1;"'],
    ['an app name with a quote', [service('sh"op', shop.ports, [])], {}, 'default/sh"op port web: app name "sh\\"op" is not a valid name'],
    ['a public port out of range', [service('shop', [{ public: { host: 'shop.example.com', port: 70000, tls: null } }], [])], {}, 'public port 70000 is not a port'],
    ['a listen address that is no IP', [shop], { listenAddress: 'localhost' }, 'listenAddress: "localhost" is not an IPv4 or IPv6 address'],
    ['a port map to port 0', [shop], { portMap: { 80: 0 } }, 'portMap[80]: must map a port'],
    ['a pid path with a newline', [shop], { paths: { ...paths, pidFile: '/x\n/y' } }, 'paths.pidFile: "/x\\n/y" contains'],
    ['zero workers', [shop], { workers: 0 }, 'workers: must be "auto" or a whole number'],
    [
      'two apps claiming one host on one port',
      [shop, service('other', [{ public: { host: 'shop.example.com', port: 80, tls: null } }], [])],
      {},
      'default/shop port web: host shop.example.com on port 80 is already published by default/other port web',
    ],
    [
      'TLS and plain HTTP on one port',
      [shop, service('secure', [{ public: { host: 'secure.example.com', port: 80, tls: { cert: '/c.pem', key: '/k.pem' } } }], [])],
      {},
      'default/shop port web: port 80 is published without TLS here and with TLS by default/secure port web',
    ],
    [
      'two public ports mapped onto one listen port',
      [shop, service('api', [{ public: { host: 'api.example.com', port: 8080, tls: null } }], [])],
      { portMap: { 80: 8080 } },
      'portMap: public ports 8080 and 80 would both listen on 8080',
    ],
  ];

  it.each(bad)('rejects %s with a message naming where', (_, services, extra, expected) => {
    const problems = problemsOf(() => render(services, extra));
    expect(problems.join('\n')).toContain(expected);
  });

  it('lists every problem at once and says so in the message', () => {
    const services = [
      service('one', [{ public: { host: 'bad host', port: 80, tls: null } }], []),
      service('two', [{ public: { host: 'x{', port: 80, tls: null } }], []),
    ];
    expect(() => render(services)).toThrow(/default\/one port web: .*; default\/two port web: /);
  });
});
