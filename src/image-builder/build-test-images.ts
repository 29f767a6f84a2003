/**
 * Builds the OCI images used by tests, the demo and benchmarks, from Debian packages and with
 * umoci only, into a cache outside the repo keyed by a hash of every input:
 *
 *   <cacheDir>/<key>/busybox-httpd   OCI layout, tags 1 and 2
 *   <cacheDir>/<key>/redis           OCI layout, tag 7
 *   <cacheDir>/<key>/demo-web        OCI layout, tag 1
 *   <cacheDir>/<key>/postgres        OCI layout, tag 15
 *   <cacheDir>/<key>/rabbitmq        OCI layout, tag 3
 *   <cacheDir>/<key>/images.json     what was built from what
 *
 * Usage: npx tsx src/image-builder/build-test-images.ts [--out CACHE_DIR]
 */
import { createHash } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, readdir, readFile, readlink, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cmd } from '../exec/command.js';
import { runCommand } from '../exec/run-command.js';
import { type HostInputs, type ImageSpec, imageSpecs, type PostgresInputs, type RabbitmqInputs, type RootfsEntry } from './image-specs.js';
import { parseLddOutput } from './ldd-libraries.js';
import { umoci } from './umoci-commands.js';

/** One built image: `oci:<layout>:<tag>` for skopeo, `<layout>:<tag>` for umoci. */
export interface TestImage {
  layout: string;
  tag: string;
  /** Repository to push it as, e.g. "bubo/busybox-httpd". */
  repo: string;
}

export interface TestImages {
  /** `<cacheDir>/<key>`, holding one OCI layout per image name. */
  dir: string;
  key: string;
  /** False when the cache already held this key. */
  built: boolean;
  httpdV1: TestImage;
  httpdV2: TestImage;
  redis: TestImage;
  demoWeb: TestImage;
  postgres: TestImage;
  rabbitmq: TestImage;
}

export interface BuildTestImagesOptions {
  /** Default `${XDG_CACHE_HOME:-~/.cache}/bubo/test-images`. */
  cacheDir?: string;
  onProgress?: (message: string) => void;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const DEBIAN_PACKAGES = ['busybox-static', 'redis-server', 'postgresql-15', 'rabbitmq-server', 'erlang-base'] as const;

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'bubo', 'test-images');
}

/** Builds the images unless `<cacheDir>/<key>` exists; concurrent builders race safely (rename). */
export async function buildTestImages(options: BuildTestImagesOptions = {}): Promise<TestImages> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const progress = options.onProgress ?? (() => {});
  const specs = imageSpecs(await findHostInputs());
  const key = await cacheKey(specs);
  const dir = join(cacheDir, key);
  let built = false;
  if (!(await exists(join(dir, 'images.json')))) {
    progress(`building test images into ${dir}`);
    await mkdir(cacheDir, { recursive: true });
    const tmp = join(cacheDir, `.building-${key}-${process.pid}-${Date.now()}`);
    try {
      await buildInto(tmp, specs, key, progress);
      built = await renameUnlessPresent(tmp, dir);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  } else {
    progress(`test images are cached in ${dir}`);
  }
  const image = (name: ImageSpec['name'], tag: string): TestImage => ({ layout: join(dir, name), tag, repo: `bubo/${name}` });
  return {
    dir,
    key,
    built,
    httpdV1: image('busybox-httpd', '1'),
    httpdV2: image('busybox-httpd', '2'),
    redis: image('redis', '7'),
    demoWeb: image('demo-web', '1'),
    postgres: image('postgres', '15'),
    rabbitmq: image('rabbitmq', '3'),
  };
}

async function findHostInputs(): Promise<HostInputs> {
  const busybox = '/bin/busybox';
  const applets = (await runCommand(cmd(busybox, '--list'))).stdout.split('\n').filter((name) => /^[\w.[-]+$/.test(name));
  const redisServer = await realpath('/usr/bin/redis-server');
  const redisLibraries = parseLddOutput((await runCommand(cmd('ldd', redisServer))).stdout);
  return { busybox, applets, redisServer, redisLibraries, postgres: await findPostgres(), rabbitmq: await findRabbitmq() };
}

const POSTGRES_PROGRAMS = ['postgres', 'initdb', 'pg_ctl', 'pg_isready', 'psql', 'pg_dump', 'pg_dumpall', 'pg_restore', 'pg_basebackup', 'pg_controldata', 'pg_upgrade'];

/** Debian's postgresql-15: programs, modules (no LLVM JIT: libLLVM alone is 100 MB), data, libraries. */
async function findPostgres(): Promise<PostgresInputs> {
  const root = '/usr/lib/postgresql/15';
  if (!(await exists(join(root, 'bin', 'postgres')))) {
    throw new Error(`${root}/bin/postgres is missing: install Debian's postgresql-15 (scripts/ensure-deps.sh does)`);
  }
  const programs = POSTGRES_PROGRAMS.map((name) => join(root, 'bin', name));
  const modules = (await readdir(join(root, 'lib'))).filter((f) => f.endsWith('.so') && !f.startsWith('llvmjit')).map((f) => join(root, 'lib', f));
  const share = '/usr/share/postgresql/15';
  const data = [...(await filesUnder(share)).filter((path) => !path.startsWith(`${share}/man/`)), '/usr/share/zoneinfo/UTC', '/usr/share/zoneinfo/Etc/UTC'];
  // One ldd for all of them (its output names each file, then its libraries): ldd costs ~0.1 s a call.
  const libraries = parseLddOutput((await runCommand(cmd('ldd', ...programs, ...modules))).stdout);
  return { programs, modules, data, libraries: libraries.sort() };
}

/** The Erlang emulator's programs, below /usr/lib/erlang/erts-<version>/bin. */
const ERTS_PROGRAMS = ['beam.smp', 'erlexec', 'epmd', 'inet_gethost', 'erl_child_setup', 'heart', 'dyn_erl', 'escript'];

/** Debian's rabbitmq-server and its Erlang: both trees whole, and what their binaries link. */
async function findRabbitmq(): Promise<RabbitmqInputs> {
  const server = '/usr/lib/rabbitmq/bin/rabbitmq-server';
  if (!(await exists(server))) {
    throw new Error(`${server} is missing: install Debian's rabbitmq-server (scripts/ensure-deps.sh does)`);
  }
  const erlang = await treeUnder('/usr/lib/erlang');
  const rabbit = await treeUnder('/usr/lib/rabbitmq');
  const files = [...erlang.files, ...rabbit.files];
  const erts = (await readdir('/usr/lib/erlang')).filter((name) => name.startsWith('erts-'));
  const binaries = [...erts.flatMap((dir) => ERTS_PROGRAMS.map((name) => join('/usr/lib/erlang', dir, 'bin', name))), ...files.map((f) => f.path).filter((path) => path.endsWith('.so'))];
  // One ldd for all of them (its output names each file, then its libraries): ldd costs ~0.1 s a call.
  const libraries = parseLddOutput((await runCommand(cmd('ldd', ...binaries))).stdout);
  return { files, symlinks: [...erlang.symlinks, ...rabbit.symlinks], libraries: libraries.sort() };
}

/** Regular files (with their permission bits) and symlinks (with their targets) below `dir`, sorted. */
async function treeUnder(dir: string): Promise<{ files: { path: string; mode: number }[]; symlinks: { path: string; target: string }[] }> {
  const files: { path: string; mode: number }[] = [];
  const symlinks: { path: string; target: string }[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const entry of (await readdir(at, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink()) symlinks.push({ path, target: await readlink(path) });
      else if (entry.isFile()) files.push({ path, mode: (await lstat(path)).mode & 0o7777 });
    }
  };
  await walk(dir);
  return { files, symlinks };
}

/** Every regular file below `dir` (symlinks followed), sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if ((await stat(path)).isFile()) files.push(path);
  }
  return files.sort();
}

/**
 * sha256 of: this folder's sources and assets, the Debian package versions, the specs, and the
 * content of every host file copied in (so a library upgrade alone also rebuilds). 16 hex digits.
 */
async function cacheKey(specs: ImageSpec[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await builderSources()) hash.update(`source ${file}\n`).update(await readFile(join(HERE, file)));
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's format syntax, not a JS template.
  const versions = await runCommand(cmd('dpkg-query', '-W', '-f=${Package}=${Version}\n', ...DEBIAN_PACKAGES));
  hash.update(versions.stdout);
  const fileHashes = new Map<string, string>();
  for (const entry of specs.flatMap((spec) => spec.rootfs)) {
    if (entry.kind === 'copy' && !fileHashes.has(entry.from)) {
      fileHashes.set(entry.from, createHash('sha256').update(await readFile(entry.from)).digest('hex'));
    }
  }
  // Specs with host paths replaced by content hashes: the key does not depend on the checkout's path.
  const portable = specs.map((spec) => ({ ...spec, rootfs: spec.rootfs.map((e) => (e.kind === 'copy' ? { ...e, from: fileHashes.get(e.from) } : e)) }));
  hash.update(JSON.stringify(portable));
  return hash.digest('hex').slice(0, 16);
}

async function builderSources(): Promise<string[]> {
  const top = (await readdir(HERE)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const assets = (await readdir(join(HERE, 'assets'))).map((f) => `assets/${f}`);
  return [...top, ...assets].sort();
}

async function buildInto(tmp: string, specs: ImageSpec[], key: string, progress: (message: string) => void): Promise<void> {
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const bundles = join(tmp, '.bundles');
  for (const spec of specs) {
    const started = Date.now();
    const layout = join(tmp, spec.name);
    const bundle = join(bundles, `${spec.name}-${spec.tag}`);
    if (!(await exists(layout))) await runCommand(umoci.init(layout));
    await runCommand(umoci.new(layout, spec.tag));
    await runCommand(umoci.unpack(layout, spec.tag, bundle));
    for (const entry of spec.rootfs) await writeEntry(join(bundle, 'rootfs'), entry);
    await runCommand(umoci.repack(layout, spec.tag, bundle));
    await runCommand(umoci.config(layout, spec.tag, spec.config));
    await rm(bundle, { recursive: true, force: true });
    progress(`built ${spec.name}:${spec.tag} in ${Date.now() - started} ms`);
  }
  await rm(bundles, { recursive: true, force: true });
  const summary = { key, builtAt: new Date().toISOString(), images: specs.map((s) => ({ name: s.name, tag: s.tag, config: s.config })) };
  await writeFile(join(tmp, 'images.json'), `${JSON.stringify(summary, null, 2)}\n`);
}

async function writeEntry(rootfs: string, entry: RootfsEntry): Promise<void> {
  const target = join(rootfs, entry.path);
  await mkdir(dirname(target), { recursive: true });
  switch (entry.kind) {
    case 'dir':
      await mkdir(target, { recursive: true });
      break;
    case 'copy':
      await copyFile(entry.from, target);
      break;
    case 'text':
      await writeFile(target, entry.content);
      break;
    case 'symlink':
      await symlink(entry.target, target);
      return;
  }
  if (entry.mode !== undefined) await chmod(target, entry.mode);
}

/** Moves the finished build into place; when another builder got there first, keeps theirs. */
async function renameUnlessPresent(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await exists(join(to, 'images.json')))) return false;
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function main(argv: string[]): Promise<void> {
  const outIndex = argv.indexOf('--out');
  const cacheDir = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  if (outIndex >= 0 && !cacheDir) throw new Error('--out needs a directory, e.g. --out /tmp/bubo-images');
  const started = Date.now();
  const images = await buildTestImages({ cacheDir, onProgress: (message) => process.stderr.write(`${message}\n`) });
  process.stderr.write(`${images.built ? 'built' : 'cached'} in ${Date.now() - started} ms\n`);
  process.stdout.write(`${JSON.stringify(images, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
