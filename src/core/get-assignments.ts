import type { AssignmentsResponse } from '../api/agent-protocol.js';
import { isTerminal } from '../domain/instance.js';
import type { CoreContext } from './core-context.js';
import { findHost } from './find-host.js';
import { assignmentsKey } from './mark-assignments-changed.js';
import { pinnedSpec } from './pinned-spec.js';
import { releaseSecretValues } from './release-secret-values.js';
import { waitForChange } from './wait-for-change.js';

/**
 * Long-poll: answers at once when the agent's index is behind (or ahead: the server restarted),
 * otherwise when the assignments change or `waitMs` passes. The answer is the complete set of
 * non-terminal instances placed on the host; anything else the agent runs must go. The index is
 * the host's own (`assignmentsKey`): a change elsewhere neither wakes nor answers this poll.
 */
export async function getAssignments(
  ctx: CoreContext,
  input: { hostId: string; index: number; waitMs: number; signal?: AbortSignal | undefined },
): Promise<AssignmentsResponse> {
  const host = await findHost(ctx.store, input.hostId);
  const index = await waitForChange(ctx, assignmentsKey(host.id), input);
  const instances = (await ctx.store.listInstances({ hostId: host.id })).filter((i) => !isTerminal(i.state));
  const volumes = await ctx.store.listVolumes({ hostId: host.id });
  const out = [];
  // Decrypted once per release in this answer, not once per instance (a host runs many of one).
  const secretsOf = new Map<string, Promise<Record<string, string>>>();
  for (const instance of instances) {
    const release = await ctx.releases.get(ctx.store, instance.appId, instance.release);
    const held = new Map(volumes.filter((v) => v.appId === instance.appId && v.slot === instance.slot).map((v) => [v.name, v]));
    const mine = release.spec.volumes.flatMap((spec) => {
      const v = held.get(spec.name);
      return v ? [{ id: v.id, name: spec.name, path: spec.path, size_mib: Math.max(v.sizeMib, spec.size_mib) }] : [];
    });
    out.push({
      id: instance.id,
      app: release.spec.app,
      namespace: release.spec.namespace,
      release: instance.release,
      slot: instance.slot,
      desired: instance.desired,
      spec: pinnedSpec(release),
      // Only where the host will start something: a stop needs no secret.
      secrets: instance.desired === 'run' ? await cached(secretsOf, `${release.appId}#${release.version}`, () => releaseSecretValues(ctx, release)) : {},
      volumes: mine,
    });
  }
  return { index, instances: out };
}

function cached<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}
