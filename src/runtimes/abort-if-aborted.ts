import { RuntimeStartError } from './runtime.js';

/** Between start steps: a start whose caller gave up (agent stopping, instance stopped) ends here. */
export function abortIfAborted(id: string, signal?: AbortSignal): void {
  if (signal?.aborted) throw new RuntimeStartError(`Cannot start instance ${id}: start aborted`);
}
