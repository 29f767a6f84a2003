import type { HostCheck } from './host-check.js';

/** Cordoned hosts keep what they run but take nothing new (maintenance, drains). */
export const checkCordoned: HostCheck = (host) => {
  if (!host.cordoned) return null;
  return { check: 'cordoned', reason: 'cordoned: takes no new instances until uncordoned' };
};
