import { RUNTIME_PREFERENCE } from '../domain/runtime-kind.js';
import type { HostCheck } from './host-check.js';

/**
 * The host must offer at least one available runtime of the requested kind. The message names the
 * real runtimes of the kind (the fake one is for tests) and why the host's own ones are unavailable.
 */
export const checkRuntime: HostCheck = (host, request) => {
  const ofKind = host.runtimes.filter((r) => r.kind === request.runtime);
  if (ofKind.some((r) => r.available)) return null;
  const check = `no ${request.runtime} runtime`;
  const wanted = RUNTIME_PREFERENCE[request.runtime].filter((name) => name !== 'fake').join(' or ');
  const why = ofKind.map((r) => `${r.name} unavailable${r.reason ? `: ${r.reason}` : ''}`);
  return { check, reason: `${check} (needs ${wanted}${why.length > 0 ? `; ${why.join('; ')}` : ''})` };
};
