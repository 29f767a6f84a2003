import { readLogFile } from '../../logs/read-log-file.js';
import type { LogLine, LogOptions } from '../../logs/log-line.js';
import { containerLine } from './console-log.js';

/**
 * The containers' output, split out of a VM's console by its `[container] ` prefixes (kernel and
 * init lines are left out). `tailLines` applies per container; lines appended between counting
 * and reading may add a few. `rotatedFiles`: the console copies kept (the runtime's `logFiles`).
 */
export async function* consoleContainerLogs(consoleLog: string, names: ReadonlySet<string>, options: LogOptions & { rotatedFiles: number }): AsyncGenerator<LogLine> {
  const fileOptions = { signal: options.signal, sinceMs: options.sinceMs, rotatedFiles: options.rotatedFiles };
  const skip = new Map<string, number>();
  if (options.tailLines !== undefined) {
    const counts = new Map<string, number>();
    for await (const { line } of readLogFile(consoleLog, { ...fileOptions, follow: false })) {
      const parsed = containerLine(line, names);
      if (parsed) counts.set(parsed.container, (counts.get(parsed.container) ?? 0) + 1);
    }
    for (const [name, count] of counts) skip.set(name, Math.max(0, count - options.tailLines));
  }
  for await (const { line, at } of readLogFile(consoleLog, { ...fileOptions, follow: options.follow })) {
    const parsed = containerLine(line, names);
    if (!parsed) continue;
    const left = skip.get(parsed.container) ?? 0;
    if (at === null && left > 0) {
      skip.set(parsed.container, left - 1);
      continue;
    }
    yield { container: parsed.container, line: parsed.line, at };
  }
}
