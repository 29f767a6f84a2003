import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonFile } from '../fs/write-json-file.js';

/** What `attach` reserved for one instance; the devices' names derive from `hash`. */
export interface AttachmentRecord {
  kind: 'netns' | 'tap';
  hash: string;
  address: string;
  /** The instance's bubo namespace; instances of different namespaces cannot talk. */
  namespace: string;
}

/** Contents of `<stateDir>/network.json`. */
export interface NetworkState {
  version: 1;
  subnet: string;
  attachments: Record<string, AttachmentRecord>;
}

export function networkStatePath(stateDir: string): string {
  return join(stateDir, 'network.json');
}

/** Reads the state file; a missing file is an empty state for `subnet`. */
export async function loadNetworkState(stateDir: string, subnet: string): Promise<NetworkState> {
  let text: string;
  try {
    text = await readFile(networkStatePath(stateDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, subnet, attachments: {} };
    throw error;
  }
  const parsed = JSON.parse(text) as NetworkState;
  if (parsed.version !== 1 || typeof parsed.attachments !== 'object' || parsed.attachments === null) {
    throw new Error(`Cannot read ${networkStatePath(stateDir)}: unknown format (expected version 1); move it away to start over`);
  }
  return parsed;
}

/** Writes the state file atomically, so a crash leaves old or new, never half. */
export async function saveNetworkState(stateDir: string, state: NetworkState): Promise<void> {
  await writeJsonFile(networkStatePath(stateDir), state, { mode: 0o600, indent: 2 });
}
