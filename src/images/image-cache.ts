import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError } from '../exec/command-error.js';
import { type Executor, runCommand } from '../exec/run-command.js';
import { classifySkopeoFailure } from './classify-skopeo-failure.js';
import type { ImageProvider, PulledImage, PullOptions } from './image-provider.js';
import { ImagePullError } from './image-pull-error.js';
import { type ImageReference, parseImageReference, skopeoTransportRef } from './image-reference.js';
import { ociLayoutManifestDigest } from './oci-layout-manifest-digest.js';
import { platformManifestDigest } from './platform-manifest-digest.js';
import { readImageConfig } from './read-image-config.js';
import { type RegistryAccess, withRegistryAuthFile } from './registry-access.js';
import { retryWithBackoff } from './retry-with-backoff.js';
import { SerialQueue } from './serial-queue.js';
import { skopeoCopyArgv } from './skopeo-copy-argv.js';
import { skopeoInspectRawArgv } from './skopeo-inspect-raw-argv.js';
import type { SkopeoSource } from './skopeo-source.js';
import { umociGcArgv } from './umoci-gc-argv.js';
import { umociRawUnpackArgv } from './umoci-raw-unpack-argv.js';
import { umociRemoveArgv } from './umoci-remove-argv.js';
import { blobPath, type OciManifest, verifyImageBlobs } from './verify-image-blobs.js';

export interface ImageCacheOptions {
  /** The cache's state directory, e.g. `<agent state dir>/images`; must not contain ":". */
  root: string;
  /** Runs skopeo and umoci; default `runCommand`. Tests wrap it to count runs or inject faults. */
  exec?: Executor;
  /** Access per registry `host[:port]`; registries not listed are used anonymously over HTTPS. */
  registries?: Readonly<Record<string, RegistryAccess>>;
  /** Waits before each retry of an unreachable registry; default 0.5, 1 and 2 s (4 attempts in all). */
  retryDelaysMs?: readonly number[];
  /** Unpack with `umoci --rootless`; default: when the agent does not run as root. */
  rootless?: boolean;
}

interface SharedPull {
  promise: Promise<PulledImage>;
  listeners: Set<(line: string) => void>;
}

/** The layout tag under which an image is kept: one tag per manifest digest. */
const tagOf = (digest: string) => digest.replace(':', '-');
const TAG_PATTERN = /^sha256-[a-f0-9]{64}$/;
const short = (digest: string) => digest.slice(0, 'sha256:'.length + 12);

/**
 * The host's image cache. On-disk layout (see README.md):
 *
 *   root/layout/          one OCI layout shared by all images; blobs are content-addressed, so
 *                         images share layers; index.json has one tag per image, "sha256-<hex>"
 *   root/rootfs/<hex>/    the unpacked root filesystem of manifest sha256:<hex>; read-only use
 *   root/tmp/             unpacks in progress and auth files; emptied when the cache starts
 *
 * A rootfs directory appears by `rename` only once complete, so its presence means "unpacked
 * from verified blobs". Everything that reads or writes the layout's index.json runs through
 * one queue; downloads of different images therefore run one after the other.
 */
export class ImageCache implements ImageProvider {
  private readonly root: string;
  private readonly layoutDir: string;
  private readonly rootfsDir: string;
  private readonly tmpDir: string;
  private readonly exec: Executor;
  private readonly registries: Readonly<Record<string, RegistryAccess>>;
  private readonly retryDelaysMs: readonly number[];
  private readonly rootless: boolean;
  private readonly layoutQueue = new SerialQueue();
  private readonly inFlight = new Map<string, SharedPull>();
  /** Digests being pulled right now, with a count; gc keeps them. */
  private readonly busy = new Map<string, number>();
  private prepared: Promise<void> | undefined;

  constructor(options: ImageCacheOptions) {
    if (options.root.includes(':')) throw new Error(`image cache directory ${options.root} must not contain ":" (skopeo's oci: references cannot name it)`);
    this.root = options.root;
    this.layoutDir = join(options.root, 'layout');
    this.rootfsDir = join(options.root, 'rootfs');
    this.tmpDir = join(options.root, 'tmp');
    this.exec = options.exec ?? runCommand;
    this.registries = options.registries ?? {};
    this.retryDelaysMs = options.retryDelaysMs ?? [500, 1000, 2000];
    this.rootless = options.rootless ?? process.getuid?.() !== 0;
  }

  pull(reference: string, options: PullOptions = {}): Promise<PulledImage> {
    let shared = this.inFlight.get(reference);
    if (!shared) {
      let ref: ImageReference;
      try {
        ref = parseImageReference(reference);
      } catch (error) {
        return Promise.reject(error);
      }
      const listeners = new Set<(line: string) => void>();
      const promise = this.pullOnce(ref, (line) => {
        for (const listener of listeners) listener(line);
      }).finally(() => this.inFlight.delete(reference));
      shared = { promise, listeners };
      this.inFlight.set(reference, shared);
    }
    const { onProgress, signal } = options;
    if (onProgress) {
      shared.listeners.add(onProgress);
      void shared.promise.then(
        () => shared.listeners.delete(onProgress),
        () => shared.listeners.delete(onProgress),
      );
    }
    // A caller that gives up does not cancel the pull others are waiting for.
    return signal ? abandonable(shared.promise, signal) : shared.promise;
  }

  /** The linux/amd64 manifest digest `reference` names now; no network for a cached `@sha256:` reference. */
  async resolveDigest(reference: string): Promise<string> {
    const ref = parseImageReference(reference);
    await this.prepare();
    return this.withAuth(ref, (authFile) => this.resolve(ref, authFile));
  }

  /**
   * Removes every image whose manifest digest is not in `keepDigests` (and is not being pulled):
   * its layout tag, its rootfs, and then the blobs no remaining tag reaches (`umoci gc`).
   */
  async gc(keepDigests: Set<string>): Promise<{ removed: string[] }> {
    await this.prepare();
    const keep = (digest: string) => keepDigests.has(digest) || this.busy.has(digest);
    return this.layoutQueue.run(async () => {
      const removed = new Set<string>();
      for (const tag of await this.layoutTags()) {
        const digest = tag.replace('-', ':');
        if (TAG_PATTERN.test(tag) && !keep(digest)) {
          await this.exec(umociRemoveArgv(this.layoutDir, tag));
          removed.add(digest);
        }
      }
      if (await exists(join(this.layoutDir, 'index.json'))) await this.exec(umociGcArgv(this.layoutDir));
      for (const hex of await readdir(this.rootfsDir)) {
        const digest = `sha256:${hex}`;
        if (!keep(digest)) {
          await rm(join(this.rootfsDir, hex), { recursive: true, force: true });
          removed.add(digest);
        }
      }
      return { removed: [...removed].sort() };
    });
  }

  private async pullOnce(ref: ImageReference, say: (line: string) => void): Promise<PulledImage> {
    await this.prepare();
    const started = Date.now();
    return this.withAuth(ref, async (authFile) => {
      const digest = await this.resolve(ref, authFile);
      this.busy.set(digest, (this.busy.get(digest) ?? 0) + 1);
      try {
        const rootfs = join(this.rootfsDir, digest.slice('sha256:'.length));
        const cached = (await exists(rootfs)) ? await verifyImageBlobs(this.layoutDir, digest, 'size') : undefined;
        if (cached?.manifest && cached.bad.length === 0) {
          say(`${ref.text} is cached (${short(digest)})`);
          return { reference: ref.text, digest, rootfs, config: await readImageConfig(this.layoutDir, cached.manifest.config.digest) };
        }
        say(`pulling ${ref.text} (${short(digest)})…`);
        const { manifest, layerBytes } = await this.fetchVerified(ref, digest, authFile, say);
        if (!(await exists(rootfs))) await this.unpack(ref, digest, rootfs);
        const mib = (layerBytes / 2 ** 20).toFixed(1);
        say(`pulled ${ref.text} (${short(digest)}): done, ${mib} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return { reference: ref.text, digest, rootfs, config: await readImageConfig(this.layoutDir, manifest.config.digest) };
      } finally {
        const left = (this.busy.get(digest) ?? 1) - 1;
        if (left > 0) this.busy.set(digest, left);
        else this.busy.delete(digest);
      }
    });
  }

  /** Tag or digest → linux/amd64 manifest digest: from what is on disk when it can say, else one `skopeo inspect --raw`. */
  private async resolve(ref: ImageReference, authFile: string | undefined): Promise<string> {
    if (ref.kind === 'registry' && ref.digest) {
      const local = await verifyImageBlobs(this.layoutDir, ref.digest, 'size');
      if (local.manifest) return ref.digest; // a cached image manifest, not an index: no network
    }
    if (ref.kind === 'oci-layout') {
      const local = await ociLayoutManifestDigest(ref.path, ref.tag);
      if (local) return local; // a file read, not a process
    }
    const { stdout } = await this.skopeo(ref, skopeoInspectRawArgv(this.source(ref, authFile)));
    return platformManifestDigest(stdout, ref.text);
  }

  /**
   * Makes the layout hold the image's tag, manifest, config and layers, each hashing to its name.
   * Skopeo reuses any blob file already present without checking it, so blobs that are wrong are
   * deleted before copying; two downloads that still leave a bad blob are an error.
   */
  private async fetchVerified(
    ref: ImageReference,
    digest: string,
    authFile: string | undefined,
    say: (line: string) => void,
  ): Promise<{ manifest: OciManifest; layerBytes: number }> {
    for (let round = 0; ; round++) {
      const { tagged, check } = await this.layoutQueue.run(async () => ({
        tagged: (await this.layoutTagDigest(tagOf(digest))) === digest,
        check: await verifyImageBlobs(this.layoutDir, digest, 'sha256'),
      }));
      if (tagged && check.manifest && check.bad.length === 0) return { manifest: check.manifest, layerBytes: check.layerBytes };
      if (round === 2) {
        throw new ImagePullError(ref.text, `blobs ${check.bad.join(', ') || '(none)'} in ${this.layoutDir} do not match their digests even after downloading them twice`);
      }
      const corrupt: string[] = [];
      for (const bad of check.bad) if (await exists(blobPath(this.layoutDir, bad))) corrupt.push(bad);
      if (corrupt.length > 0) say(`${ref.text}: blob ${corrupt.map(short).join(', ')} in the cache does not match its digest; fetching it again`);
      await this.layoutQueue.run(async () => {
        for (const bad of corrupt) await unlink(blobPath(this.layoutDir, bad)).catch(() => undefined);
        await this.skopeo(ref, skopeoCopyArgv(this.source(ref, authFile, digest), { layoutDir: this.layoutDir, tag: tagOf(digest) }));
        const copied = await this.layoutTagDigest(tagOf(digest));
        if (copied !== digest) throw new ImagePullError(ref.text, `the image changed while it was pulled (expected ${digest}, copied ${copied ?? 'nothing'}); pull again`);
      });
    }
  }

  /**
   * Unpacks into root/tmp (same filesystem) and renames into place, so a rootfs directory exists
   * only when complete; on any failure, ENOSPC included, the partial unpack is removed.
   */
  private async unpack(ref: ImageReference, digest: string, rootfs: string): Promise<void> {
    let work: string | undefined;
    try {
      work = await mkdtemp(join(this.tmpDir, `unpack-${digest.slice('sha256:'.length, 'sha256:'.length + 12)}-`));
      const unpackDir = join(work, 'rootfs');
      await this.layoutQueue.run(async () => {
        if (await exists(rootfs)) return; // a concurrent pull of another reference to the same digest won
        await this.exec(umociRawUnpackArgv({ layoutDir: this.layoutDir, tag: tagOf(digest), rootfsDir: unpackDir, rootless: this.rootless }));
        await rename(unpackDir, rootfs);
      });
    } catch (error) {
      if (isNoSpace(error)) throw this.noSpace(ref);
      if (error instanceof CommandError) throw new ImagePullError(ref.text, `unpacking failed: ${error.message}`, { stderr: error.stderr });
      throw error;
    } finally {
      if (work) await rm(work, { recursive: true, force: true });
    }
  }

  private noSpace(ref: ImageReference): ImagePullError {
    return new ImagePullError(ref.text, `no space left on device in the image cache state directory ${this.root}; free space there or remove unused images`);
  }

  /** Runs a skopeo command, retrying unreachable registries, and translates failures into ImagePullError. */
  private async skopeo(ref: ImageReference, command: Parameters<Executor>[0]) {
    let attempts = 0;
    const failure = (error: unknown) => (error instanceof CommandError && !isNoSpace(error) ? classifySkopeoFailure(error.stderr, ref) : undefined);
    try {
      return await retryWithBackoff(
        (n) => {
          attempts = n;
          return this.exec(command);
        },
        (error) => failure(error)?.transient === true,
        this.retryDelaysMs,
      );
    } catch (error) {
      if (isNoSpace(error)) throw this.noSpace(ref);
      const why = failure(error);
      if (!why) throw error;
      const tries = why.transient && attempts > 1 ? ` (tried ${attempts} times)` : '';
      throw new ImagePullError(ref.text, why.reason + tries, { wholeMessage: why.wholeMessage, stderr: (error as CommandError).stderr });
    }
  }

  private source(ref: ImageReference, authFile: string | undefined, pinnedDigest?: string): SkopeoSource {
    const transportRef = skopeoTransportRef(ref, ref.kind === 'registry' ? pinnedDigest : undefined);
    if (ref.kind !== 'registry') return { transportRef };
    // Like Docker, a registry on the loopback interface may speak plain HTTP without configuration.
    const insecure = this.registries[ref.registry]?.insecure ?? isLoopbackRegistry(ref.registry);
    return { transportRef, ...(insecure && { tlsVerify: false }), ...(authFile && { authFile }) };
  }

  private withAuth<T>(ref: ImageReference, fn: (authFile: string | undefined) => Promise<T>): Promise<T> {
    if (ref.kind !== 'registry') return fn(undefined);
    return withRegistryAuthFile(this.tmpDir, ref.registry, this.registries[ref.registry] ?? {}, fn);
  }

  private async layoutIndex(): Promise<{ manifests?: { digest?: string; annotations?: Record<string, string> }[] | null }> {
    try {
      return JSON.parse(await readFile(join(this.layoutDir, 'index.json'), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  }

  private async layoutTags(): Promise<string[]> {
    const index = await this.layoutIndex();
    return (index.manifests ?? []).map((m) => m.annotations?.['org.opencontainers.image.ref.name']).filter((t): t is string => t !== undefined);
  }

  private async layoutTagDigest(tag: string): Promise<string | undefined> {
    const index = await this.layoutIndex();
    return (index.manifests ?? []).find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)?.digest;
  }

  /** Creates the directories and removes unpacks a crashed agent left in root/tmp. Once per cache. */
  private prepare(): Promise<void> {
    this.prepared ??= (async () => {
      await rm(this.tmpDir, { recursive: true, force: true });
      await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
      await mkdir(this.rootfsDir, { recursive: true });
    })().catch((error: unknown) => {
      this.prepared = undefined;
      if (isNoSpace(error)) throw new Error(`Cannot prepare the image cache: no space left on device in the state directory ${this.root}`);
      throw error;
    });
    return this.prepared;
  }
}

function isNoSpace(error: unknown): boolean {
  if ((error as NodeJS.ErrnoException | null)?.code === 'ENOSPC') return true;
  return error instanceof CommandError && /no space left on device/i.test(error.stderr);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function abandonable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** `localhost`, `127.x.y.z` or `[::1]`, with or without a port. */
export function isLoopbackRegistry(registry: string | null): boolean {
  if (!registry) return false;
  const host = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.split(':')[0]!;
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
