/**
 * Which top-level folder of src/ may import which: the layering STYLE.md describes, as data.
 * `scripts/check-layers.ts` (part of `npm run lint`) fails on any import not listed here and on a
 * cycle in this table, so there can be no import cycle between folders.
 *
 * The shape, bottom up: vocabulary (errors, domain, api) → pure decisions (taskfile, scheduler,
 * reconciler, operations) → plumbing (exec, fs, net, images, vm, runtimes, health, dns, lb, logs, store) →
 * the control plane (core, then its transport http) and the host agent → clients (client, cli)
 * → daemons, the start-up code that wires a process together (server, agent, up, kit).
 * The CLI speaks only the API client; the one exception is starting a daemon, through daemons/.
 */
export const LAYERS: Record<string, readonly string[]> = {
  errors: [],
  fs: [],
  domain: [],
  api: ['domain'],
  auth: [],
  pki: ['errors'],
  secrets: ['errors', 'fs'],
  exec: ['errors'],
  taskfile: ['domain', 'errors'],
  scheduler: ['domain'],
  reconciler: ['domain'],
  operations: ['domain'],
  store: ['domain', 'errors'],
  logs: ['errors'],
  images: ['errors', 'exec'],
  net: ['domain', 'errors', 'exec', 'fs'],
  volumes: ['domain', 'errors', 'exec', 'fs'],
  oci: ['domain', 'errors', 'fs', 'images'],
  vm: ['domain', 'errors', 'exec', 'fs', 'images', 'net', 'oci'],
  runtimes: ['domain', 'errors', 'exec', 'fs', 'images', 'logs', 'net', 'oci', 'vm'],
  health: ['domain', 'errors', 'runtimes'],
  lb: ['api', 'errors', 'exec'],
  client: ['api', 'errors', 'fs', 'logs'],
  dns: ['api', 'client', 'errors', 'exec', 'fs'],
  core: ['api', 'domain', 'errors', 'logs', 'operations', 'reconciler', 'scheduler', 'secrets', 'store', 'taskfile'],
  http: ['api', 'auth', 'client', 'core', 'domain', 'errors', 'logs', 'pki'],
  agent: ['api', 'auth', 'client', 'dns', 'domain', 'errors', 'exec', 'health', 'images', 'lb', 'logs', 'net', 'pki', 'runtimes', 'taskfile', 'vm', 'volumes'],
  'image-builder': ['errors', 'exec'],
  up: ['client', 'domain', 'errors', 'exec', 'image-builder', 'taskfile'],
  cli: ['api', 'client', 'daemons', 'domain', 'errors', 'taskfile'],
  daemons: ['agent', 'api', 'client', 'core', 'dns', 'domain', 'errors', 'exec', 'fs', 'http', 'image-builder', 'images', 'lb', 'logs', 'net', 'pki', 'runtimes', 'secrets', 'store', 'taskfile', 'up', 'vm', 'volumes'],
};
