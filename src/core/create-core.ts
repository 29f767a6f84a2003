import { randomInt } from 'node:crypto';
import type { SecretKeyring } from '../secrets/secret-keyring.js';
import type { Store } from '../store/store.js';
import type { CatalogAnswers } from './get-catalog.js';
import { AnswerCache } from './answer-cache.js';
import { AssignmentNotifier } from './assignment-notifier.js';
import { HeartbeatBuffer } from './heartbeat-buffer.js';
import { ControlLoop, type ControlLoopOptions } from './control-loop.js';
import { type CoreContext, type CoreOptions, DEFAULT_CORE_OPTIONS } from './core-context.js';
import { PeersAnnouncer } from './peers-announcer.js';
import { PeersLog } from './peers-log.js';
import { ReleaseCache } from './release-cache.js';
import type { HostCertAuthority } from './host-cert-authority.js';

export interface CoreSetup {
  store: Store;
  options?: Partial<CoreOptions>;
  loop?: Partial<ControlLoopOptions>;
  now?: () => number;
  seed?: () => number;
  pki?: HostCertAuthority;
  keyring?: SecretKeyring;
}

/** Wires a context and its control loop together (the loop is not started). */
export function createCore(setup: CoreSetup): { ctx: CoreContext; loop: ControlLoop; peers: PeersAnnouncer } {
  let loop: ControlLoop | undefined;
  let peers: PeersAnnouncer | undefined;
  const now = setup.now ?? Date.now;
  const ctx: CoreContext = {
    store: setup.store,
    now,
    startedAt: now(),
    notifier: new AssignmentNotifier(),
    catalog: new AnswerCache<CatalogAnswers>(),
    peersLog: new PeersLog(),
    heartbeats: new HeartbeatBuffer(),
    releases: new ReleaseCache(),
    wake: () => loop?.wake(),
    wakeIfBlocked: () => loop?.wakeIfBlocked(),
    announcePeers: () => peers?.schedule(),
    seed: setup.seed ?? (() => randomInt(2 ** 31)),
    options: { ...DEFAULT_CORE_OPTIONS, ...setup.options },
    ...(setup.pki ? { pki: setup.pki } : {}),
    ...(setup.keyring ? { keyring: setup.keyring } : {}),
  };
  loop = new ControlLoop(ctx, {
    intervalMs: 1_000,
    debounceMs: 20,
    onError: (error) => process.stderr.write(`bubo: control loop: ${error instanceof Error ? error.message : String(error)}\n`),
    ...setup.loop,
  });
  peers = new PeersAnnouncer(ctx.store, ctx.notifier, ctx.options.peersAnnounceMs, (error) =>
    process.stderr.write(`bubo: cannot announce the host list: ${error instanceof Error ? error.message : String(error)}\n`),
  );
  return { ctx, loop, peers };
}
