import { type Instance, isServing, isTerminal } from '../domain/instance.js';

export interface Readoption {
  /** Keep the returned instance (it takes its state from the report) or stop it. */
  keep: boolean;
  /** Replacements to stop because the returned instance keeps the slot. */
  stop: string[];
  reason: string;
}

/**
 * The host of an `unknown` instance is back and its agent reports the instance alive. `others` are
 * the app's other instances. If an instance of the same slot serves already, the returned one is
 * stopped (never two serving copies of one slot). Otherwise it keeps its slot and any replacement
 * of the same release and slot, which does not serve yet, is stopped: the original has the data.
 */
export function readoptInstance(returned: Instance, others: readonly Instance[]): Readoption {
  const rivals = others.filter((i) => i.id !== returned.id && i.appId === returned.appId && i.slot === returned.slot && i.desired === 'run' && !isTerminal(i.state) && i.state !== 'unknown');
  const serving = rivals.find(isServing);
  if (serving) return { keep: false, stop: [], reason: `replaced by ${serving.id}, which serves` };
  const replacements = rivals.filter((i) => i.release === returned.release).map((i) => i.id);
  return {
    keep: true,
    stop: replacements,
    reason: replacements.length > 0 ? `instance ${returned.id} came back before its replacement served` : `instance ${returned.id} came back`,
  };
}
