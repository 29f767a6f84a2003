import { mergeAsyncIterables } from '../../logs/merge-async-iterables.js';
import { readLogFile } from '../../logs/read-log-file.js';
import type { LogLine, LogOptions } from '../../logs/log-line.js';
import type { InstanceLayout } from './instance-layout.js';

export interface ContainerLogOptions extends LogOptions {
  /** Rotated copies kept per container (the runtime's `logFiles`); default 3. */
  rotatedFiles?: number;
  /** Follow poll interval; default 250 ms. */
  pollMs?: number;
}

/**
 * The output of an instance's containers from `<c>.log` (and its rotated copies), the containers
 * merged as their lines come; `tailLines` applies per container. Lines carry no time of their own
 * (runc appends raw output): see `readLogFile` for what `sinceMs` and `at` mean here.
 */
export async function* readContainerLogs(layout: InstanceLayout, containers: readonly string[], options: ContainerLogOptions): AsyncGenerator<LogLine> {
  const { follow, signal, tailLines, sinceMs, rotatedFiles, pollMs } = options;
  const perContainer = containers.map((container) =>
    (async function* () {
      for await (const { line, at } of readLogFile(layout.log(container), { follow, signal, tailLines, sinceMs, rotatedFiles, pollMs })) {
        yield { container, line, at };
      }
    })(),
  );
  yield* mergeAsyncIterables(perContainer);
}
