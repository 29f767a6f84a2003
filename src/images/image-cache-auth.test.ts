import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageCache } from './image-cache.js';
import { buildTestImages } from '../../test/support/image-cache-test-images.js';
import { type Registry, startRegistry } from '../../test/support/registry.js';
import { freePort } from '../../test/support/server-process.js';

/**
 * Token authentication as Docker Hub and most registries do it: the registry (docker-registry's
 * "silly" access controller) answers 401 with a Bearer challenge naming a token endpoint; this
 * token endpoint hands out a token for basic credentials or an identity (refresh) token.
 * (htpasswd basic auth is not tested: apache2-utils, which makes bcrypt htpasswd files, is not installed.)
 */
let dir: string;
let registry: Registry;
let tokenServer: Server;
const tokenRequests: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-images-auth-'));
  const tokenPort = await freePort();
  tokenServer = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const basicOk = req.headers.authorization === `Basic ${Buffer.from('ci:s3cret-pw').toString('base64')}`;
      const refreshOk = req.method === 'POST' && new URLSearchParams(body).get('refresh_token') === 'id-token-42';
      tokenRequests.push(`${req.method} ${basicOk ? 'basic' : refreshOk ? 'refresh' : 'anonymous'}`);
      if (!basicOk && !refreshOk) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'granted', access_token: 'granted', expires_in: 300 }));
    });
  });
  await new Promise<void>((resolve) => tokenServer.listen(tokenPort, '127.0.0.1', resolve));
  registry = await startRegistry({ auth: { silly: { realm: `http://127.0.0.1:${tokenPort}/token`, service: 'bubo-test' } } });
  const layout = join(dir, 'layout');
  await buildTestImages(layout, join(dir, 'work'));
  const { runCommand } = await import('../exec/run-command.js');
  await runCommand({
    argv: ['skopeo', 'copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', 'ci:s3cret-pw', `oci:${layout}:wh`, `docker://${registry.host}/private/wh:1`],
  });
}, 30_000);

afterAll(async () => {
  await registry?.stop();
  await new Promise((resolve) => tokenServer?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ImageCache with an authenticating registry', () => {
  it('pulls with a username and password through the bearer-token exchange', async () => {
    const cache = new ImageCache({ root: join(dir, 'basic'), registries: { [registry.host]: { insecure: true, username: 'ci', password: 's3cret-pw' } } });
    tokenRequests.length = 0;
    const image = await cache.pull(`${registry.host}/private/wh:1`);
    expect(image.digest).toMatch(/^sha256:/);
    expect(tokenRequests).toContain('GET basic');
  });

  it('pulls with an identity token', async () => {
    const cache = new ImageCache({ root: join(dir, 'token'), registries: { [registry.host]: { insecure: true, token: 'id-token-42' } } });
    tokenRequests.length = 0;
    await cache.pull(`${registry.host}/private/wh:1`);
    expect(tokenRequests).toContain('POST refresh');
  });

  it('says the registry refused access when the credentials are wrong, without retrying', async () => {
    const cache = new ImageCache({
      root: join(dir, 'wrong'),
      registries: { [registry.host]: { insecure: true, username: 'ci', password: 'wrong' } },
      retryDelaysMs: [1, 1, 1],
    });
    tokenRequests.length = 0;
    await expect(cache.pull(`${registry.host}/private/wh:1`)).rejects.toThrow(
      `Cannot pull image ${registry.host}/private/wh:1: registry ${registry.host} refused access (unauthorized); check the credentials for ${registry.host} in the agent's registries config`,
    );
    expect(tokenRequests.length).toBe(1);
  });
});
