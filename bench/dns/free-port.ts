import dgram from 'node:dgram';
import net from 'node:net';

/**
 * A 127.0.0.1 port free for both UDP and TCP right now, for a server (dnsmasq) that cannot be
 * told to pick one itself. Another process could take it before the server binds; the server
 * then fails to start and says so.
 */
export async function freeUdpTcpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const port = udp.address().port;
    const tcp = net.createServer();
    const free = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) await new Promise<void>((resolve) => tcp.close(() => resolve()));
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (free) return port;
  }
  throw new Error('Cannot find a free UDP+TCP port on 127.0.0.1');
}
