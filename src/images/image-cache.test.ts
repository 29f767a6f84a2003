import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../exec/command.js';
import { CommandError } from '../exec/command-error.js';
import { type Executor, runCommand } from '../exec/run-command.js';
import { ImageCache, type ImageCacheOptions } from './image-cache.js';
import { ImagePullError } from './image-pull-error.js';
import { sha256Digest } from './sha256-digest.js';
import { buildTestImages, pushTestImage } from '../../test/support/image-cache-test-images.js';
import { type Registry, startRegistry } from '../../test/support/registry.js';
import { freePort } from '../../test/support/server-process.js';
import { blobPath } from './verify-image-blobs.js';

/** Runs commands for real and records each argv. */
function recordingExecutor(inner: Executor = runCommand) {
  const argvs: string[][] = [];
  const exec: Executor = (command, signal) => {
    argvs.push([...command.argv]);
    return inner(command, signal);
  };
  const count = (what: 'copy' | 'inspect' | 'unpack') =>
    argvs.filter((a) => (what === 'unpack' ? a[0] === 'umoci' && a[1] === 'raw' : a[0] === 'skopeo' && a.includes(what))).length;
  return { exec, argvs, count };
}

let dir: string;
let registry: Registry;
let layout: string;
let bb: string;
let wh: string;
let bbDigest: string;

function newCache(options: Partial<ImageCacheOptions> = {}) {
  const recorder = recordingExecutor(options.exec);
  const root = join(dir, `cache-${Math.random().toString(36).slice(2, 8)}`);
  const cache = new ImageCache({ root, registries: { [registry.host]: { insecure: true } }, retryDelaysMs: [1, 1, 1], ...options, exec: recorder.exec });
  return { cache, root, ...recorder };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-images-'));
  registry = await startRegistry();
  layout = join(dir, 'src-layout');
  await buildTestImages(layout, join(dir, 'work'));
  bb = `${registry.host}/bubo-test/bb:1.0`;
  wh = `${registry.host}/bubo-test/wh:1.0`;
  await pushTestImage(layout, 'bb', bb);
  await pushTestImage(layout, 'wh', wh);
  const raw = (await runCommand({ argv: ['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${bb}`] })).stdout;
  bbDigest = sha256Digest(raw);
}, 30_000);

afterAll(async () => {
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ImageCache', () => {
  it('pulls an image by tag, unpacks it under its manifest digest and returns its config', async () => {
    const { cache, root } = newCache();
    const lines: string[] = [];
    const image = await cache.pull(bb, { onProgress: (line) => lines.push(line) });
    expect(image.digest).toBe(bbDigest);
    expect(image.rootfs).toBe(join(root, 'rootfs', bbDigest.slice('sha256:'.length)));
    expect(await readFile(join(image.rootfs, 'etc/greeting'), 'utf8')).toBe('hello\n');
    expect(existsSync(join(image.rootfs, 'bin/busybox'))).toBe(true);
    expect(image.config).toEqual({
      Entrypoint: ['/bin/busybox'],
      Cmd: ['httpd', '-f'],
      Env: ['GREETING=hi'],
      WorkingDir: '/www',
      User: '1000:1000',
      ExposedPorts: { '80/tcp': {} },
      StopSignal: 'SIGQUIT',
    });
    expect(lines[0]).toMatch(/^pulling .*bb:1\.0 \(sha256:[0-9a-f]{12}\)…$/);
    expect(lines.at(-1)).toMatch(/done, \d+\.\d MiB in \d+\.\d s$/);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('answers a second pull of the same tag from the cache after one cheap re-resolve', async () => {
    const { cache, count } = newCache();
    await cache.pull(bb);
    const lines: string[] = [];
    const again = await cache.pull(bb, { onProgress: (line) => lines.push(line) });
    expect(again.digest).toBe(bbDigest);
    expect([count('inspect'), count('copy'), count('unpack')]).toEqual([2, 1, 1]);
    expect(lines).toEqual([`${bb} is cached (${bbDigest.slice(0, 19)})`]);
  });

  it('pulls by digest, and runs no command at all for a cached digest', async () => {
    const { cache, argvs } = newCache();
    const byDigest = `${registry.host}/bubo-test/bb@${bbDigest}`;
    const first = await cache.pull(byDigest);
    expect(first.digest).toBe(bbDigest);
    const before = argvs.length;
    const second = await cache.pull(byDigest);
    expect(second.rootfs).toBe(first.rootfs);
    expect(argvs.length).toBe(before);
    expect(await cache.resolveDigest(byDigest)).toBe(bbDigest);
    expect(argvs.length).toBe(before);
  });

  it('resolves a tag to the digest a release records', async () => {
    const { cache } = newCache();
    expect(await cache.resolveDigest(bb)).toBe(bbDigest);
  });

  it('pulls from a local OCI layout directory', async () => {
    const { cache } = newCache();
    const image = await cache.pull(`oci:${layout}:bb`);
    expect(image.digest).toBe(bbDigest);
    expect(image.config.Entrypoint).toEqual(['/bin/busybox']);
    expect(existsSync(join(image.rootfs, 'etc/greeting'))).toBe(true);
  });

  it('honours a whiteout: a file deleted in an upper layer is absent from the rootfs', async () => {
    const { cache } = newCache();
    const image = await cache.pull(wh);
    expect(await readFile(join(image.rootfs, 'a'), 'utf8')).toBe('a\n');
    expect(existsSync(join(image.rootfs, 'b'))).toBe(false);
    expect((await readdir(image.rootfs)).filter((name) => name.startsWith('.wh.'))).toEqual([]);
  });

  it('says an unknown image is not found in the registry, without retrying', async () => {
    const { cache, count } = newCache();
    const missing = `${registry.host}/bubo-test/shop:9.9`;
    const error = await cache.pull(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImagePullError);
    expect(error).toMatchObject({ code: 'image_pull_failed', message: `image ${missing} not found in the registry`, reference: missing });
    expect(count('inspect')).toBe(1);
  });

  it('retries an unreachable registry with backoff, then names it and the reason', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const { cache, count } = newCache({ registries: { [closed]: { insecure: true } }, retryDelaysMs: [5, 10, 20] });
    const error = await cache.pull(`${closed}/shop:1.0`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImagePullError);
    expect((error as Error).message).toBe(`Cannot pull image ${closed}/shop:1.0: cannot reach registry ${closed}: connection refused (tried 4 times)`);
    expect(count('inspect')).toBe(4);
  });

  it('tells the user to mark a plain-HTTP registry insecure', async () => {
    // Loopback registries are insecure by default; say explicitly that this one is not.
    const { cache } = newCache({ registries: { [registry.host]: { insecure: false } } });
    await expect(cache.pull(bb)).rejects.toThrow(/speaks plain HTTP, not HTTPS; set "insecure: true"/);
  });

  it('pulls from a plain-HTTP registry on loopback without configuration, as Docker does', async () => {
    const { cache } = newCache({ registries: {} });
    expect((await cache.pull(bb)).digest).toMatch(/^sha256:/);
  });

  it('shares one pull between concurrent callers of the same reference', async () => {
    const { cache, count } = newCache();
    const lines: string[][] = [[], [], []];
    const images = await Promise.all(lines.map((mine) => cache.pull(wh, { onProgress: (line) => mine.push(line) })));
    expect(new Set(images.map((i) => i.rootfs)).size).toBe(1);
    expect([count('inspect'), count('copy'), count('unpack')]).toEqual([1, 1, 1]);
    for (const mine of lines) expect(mine.length).toBe(2);
  });

  it('lets one caller give up without cancelling the pull for the others', async () => {
    const { cache } = newCache();
    const impatient = new AbortController();
    const first = cache.pull(wh, { signal: impatient.signal });
    const second = cache.pull(wh);
    impatient.abort(new Error('gave up'));
    await expect(first).rejects.toThrow('gave up');
    expect((await second).digest).toMatch(/^sha256:/);
  });

  it('detects a corrupt cached layer blob, deletes it and pulls it again', async () => {
    const { cache, count } = newCache();
    const image = await cache.pull(bb);
    const manifest = JSON.parse(await readFile(blobPath(join(image.rootfs, '../../layout'), image.digest), 'utf8')) as { layers: { digest: string }[] };
    const layer = blobPath(join(image.rootfs, '../../layout'), manifest.layers[0]!.digest);
    await writeFile(layer, 'garbage');
    const lines: string[] = [];
    const again = await cache.pull(bb, { onProgress: (line) => lines.push(line) });
    expect(lines.some((line) => line.includes('does not match its digest; fetching it again'))).toBe(true);
    expect(sha256Digest(await readFile(layer))).toBe(manifest.layers[0]!.digest);
    expect(count('copy')).toBe(2);
    expect(existsSync(join(again.rootfs, 'bin/busybox'))).toBe(true);
  });

  it('hashes every layer before unpacking, so a same-size corruption is caught too', async () => {
    const { cache, count } = newCache();
    const image = await cache.pull(wh);
    const layoutDir = join(image.rootfs, '../../layout');
    const manifest = JSON.parse(await readFile(blobPath(layoutDir, image.digest), 'utf8')) as { layers: { digest: string }[] };
    const layer = blobPath(layoutDir, manifest.layers[0]!.digest);
    const bytes = await readFile(layer);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    await writeFile(layer, bytes);
    await rm(image.rootfs, { recursive: true });
    const again = await cache.pull(wh);
    expect(count('copy')).toBe(2);
    expect(count('unpack')).toBe(2);
    expect(existsSync(join(again.rootfs, 'a'))).toBe(true);
  });

  it('removes the partial unpack and names the state directory when the disk is full', async () => {
    const diskFull: Executor = async (command: Command, signal) => {
      const result = await runCommand(command, signal);
      if (command.argv[0] === 'umoci' && command.argv[1] === 'raw') {
        throw new CommandError(command.argv, 1, 'write rootfs/bin/busybox: no space left on device');
      }
      return result;
    };
    const { cache, root } = newCache({ exec: diskFull });
    const error = await cache.pull(bb).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImagePullError);
    expect((error as Error).message).toContain(`no space left on device in the image cache state directory ${root}`);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect(await readdir(join(root, 'rootfs'))).toEqual([]);
  });

  it('passes registry credentials in a 0600 auth file, never in an argv, and deletes the file', async () => {
    const { cache, root, argvs } = newCache({ registries: { [registry.host]: { insecure: true, username: 'ci', password: 's3cret-pw' } } });
    await cache.pull(bb);
    expect(argvs.flat().some((arg) => arg.includes('s3cret-pw'))).toBe(false);
    const copy = argvs.find((a) => a.includes('copy'))!;
    expect(copy[copy.indexOf('--src-authfile') + 1]).toMatch(new RegExp(`^${root}/tmp/auth-[^/]+/auth\\.json$`));
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('garbage-collects images not kept: their rootfs, tag and unshared blobs', async () => {
    const { cache, root } = newCache();
    const kept = await cache.pull(bb);
    const dropped = await cache.pull(wh);
    const layoutDir = join(root, 'layout');
    const droppedManifest = JSON.parse(await readFile(blobPath(layoutDir, dropped.digest), 'utf8')) as { layers: { digest: string }[] };
    expect(await cache.gc(new Set([kept.digest]))).toEqual({ removed: [dropped.digest] });
    expect(existsSync(dropped.rootfs)).toBe(false);
    expect(existsSync(blobPath(layoutDir, dropped.digest))).toBe(false);
    for (const layer of droppedManifest.layers) expect(existsSync(blobPath(layoutDir, layer.digest))).toBe(false);
    expect(existsSync(kept.rootfs)).toBe(true);
    expect(await cache.gc(new Set([kept.digest]))).toEqual({ removed: [] });
    expect((await cache.pull(`${registry.host}/bubo-test/bb@${kept.digest}`)).rootfs).toBe(kept.rootfs);
  });
});
