import type { HostCheck } from './host-check.js';

/** A slot whose volumes exist runs where its data is, and nowhere else. */
export const checkPinned: HostCheck = (host, request) => {
  const pin = request.pinnedTo;
  if (pin === undefined || host.id === pin.hostId) return null;
  const check = `not holding the volumes of slot ${pin.slot} (on host ${pin.hostName})`;
  return { check, reason: `the volume data of slot ${pin.slot} is on host ${pin.hostName}` };
};
