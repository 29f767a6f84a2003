import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CatalogResponse } from '../../src/api/catalog.js';
import { DnsServer } from '../../src/dns/dns-server.js';

// node --import tsx bench/dns/serve-bubo.ts --catalog FILE [--port N]
// bubo's DnsServer on 127.0.0.1 in a process of its own, answering from a catalog file. Prints
// `listening 127.0.0.1:<port>` once bound; stops cleanly on SIGTERM/SIGINT, so `--cpu-prof`
// gets written.
const { values } = parseArgs({ options: { catalog: { type: 'string' }, port: { type: 'string', default: '0' } } });
if (!values.catalog) throw new Error('serve-bubo: --catalog FILE is required');

const catalog = CatalogResponse.parse(JSON.parse(await readFile(values.catalog, 'utf8')));
// No upstreams: a name outside the zone is answered SERVFAIL, never sent anywhere.
const server = new DnsServer({
  listen: { address: '127.0.0.1', port: Number(values.port) },
  upstreams: [],
  log: (line) => process.stderr.write(`${line}\n`),
});
server.update(catalog);
await server.start();
const { address, port } = server.address();
process.stdout.write(`listening ${address}:${port}\n`);

const stop = () => {
  void server.stop().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
