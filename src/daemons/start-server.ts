import { join } from 'node:path';
import { parseCidr } from '../core/allocate-subnet.js';
import { createCore } from '../core/create-core.js';
import type { CoreOptions } from '../core/core-context.js';
import { DomainError } from '../errors/domain-error.js';
import { secureStateDir } from '../fs/secure-state-dir.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { ensureAdminToken } from '../http/admin-token.js';
import { buildHttpApp } from '../http/build-http-app.js';

export interface ServerOptions {
  stateDir: string;
  /** `host:port`; port 0 picks a free port. */
  listen: string;
  core?: Partial<CoreOptions>;
  /** Start-up notices (a state directory whose permissions were fixed); default: stderr. */
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  adminTokenPath: string;
  tokenCreated: boolean;
  close(): Promise<void>;
}

/** `bubo server`: state directory, store, admin token, control loop and HTTP listener. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { host, port } = parseListen(options.listen);
  if (options.core?.clusterCidr) parseCidr(options.core.clusterCidr);
  const log = options.log ?? ((line: string) => process.stderr.write(`bubo server: ${line}\n`));
  await secureStateDir(options.stateDir, log);
  const { token, path: adminTokenPath, created } = await ensureAdminToken(options.stateDir);
  const store = await openSqliteStore(join(options.stateDir, 'bubo.db'));
  const { ctx, loop } = createCore({ store, options: options.core ?? {} });
  const app = buildHttpApp({ ctx, token });
  try {
    await app.listen({ host, port });
  } catch (error) {
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new DomainError('invalid_config', `cannot listen on ${options.listen}: address already in use; is another bubo server running? pick another --listen`);
    if (code === 'EADDRNOTAVAIL') throw new DomainError('invalid_config', `cannot listen on ${options.listen}: no such local address`);
    throw error;
  }
  loop.start();
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${urlHost}:${boundPort}`,
    adminTokenPath,
    tokenCreated: created,
    close: async () => {
      await loop.stop();
      await ctx.heartbeats.flush(store).catch(() => {});
      ctx.notifier.notifyAll();
      await app.close();
      await store.close();
    },
  };
}

export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:]+)):(\d{1,5})$/.exec(listen);
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port > 65535) {
    throw new DomainError('invalid_config', `--listen "${listen}" must be host:port, e.g. 127.0.0.1:7070 or 0.0.0.0:7070`);
  }
  return { host: match[1] ?? match[2]!, port };
}
