import type { HostCheck } from './host-check.js';

/** Humans choose the group; bubo never places outside it. */
export const checkGroup: HostCheck = (host, request) => {
  if (host.group === request.group) return null;
  const check = `not in group "${request.group}"`;
  return { check, reason: `${check} (host is in group "${host.group}")` };
};
