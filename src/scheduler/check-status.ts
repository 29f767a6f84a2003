import type { HostCheck } from './host-check.js';

/** A host that stopped heartbeating cannot be told to start anything. */
export const checkStatus: HostCheck = (host) => {
  if (host.status === 'ready') return null;
  return { check: 'down', reason: 'down: no heartbeat from the host agent' };
};
