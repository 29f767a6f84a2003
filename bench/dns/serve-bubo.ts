import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { serveDnsProcess } from '../../src/daemons/serve-dns-process.js';
import { freeUdpTcpPort } from './free-port.js';

// node --import tsx bench/dns/serve-bubo.ts --catalog DIR/catalog.json [--port N]
// What an agent runs (`bubo dns serve`, src/dns/serve-dns-process.ts) on 127.0.0.1, in a process
// of its own, answering from the catalog file (which must be named catalog.json: the process
// reads <state dir>/catalog.json; here the state dir is the file's directory). Prints
// `listening 127.0.0.1:<port>` once it serves; stops cleanly on SIGTERM/SIGINT, so
// `--cpu-prof` gets written.
const { values } = parseArgs({ options: { catalog: { type: 'string' }, port: { type: 'string', default: '0' } } });
if (!values.catalog?.endsWith('/catalog.json')) throw new Error('serve-bubo: --catalog DIR/catalog.json is required');

const port = Number(values.port) || (await freeUdpTcpPort());
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort('SIGTERM'));
process.once('SIGINT', () => stop.abort('SIGINT'));
await serveDnsProcess({
  stateDir: dirname(values.catalog),
  listen: { host: '127.0.0.1', port },
  // An upstream that is never asked: every query of the bench is in the zone.
  upstreams: ['127.0.0.1:9'],
  version: 'bench',
  signal: stop.signal,
  log: (line) => {
    process.stderr.write(`${line}\n`);
    if (line.startsWith('dns: serving as pid')) process.stdout.write(`listening 127.0.0.1:${port}\n`);
  },
});
process.exit(0);
