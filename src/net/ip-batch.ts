import type { Command } from '../exec/command.js';

/** Characters `ip -batch` would split or interpret (it tokenizes lines itself, with quoting and `#`). */
const PLAIN_ARG = /^[\w@%+=:,./-]+$/;

/** `ip [-n NETNS]` with nothing else to the command: no other global option, input or options. */
function batchKey(command: Command): string | undefined {
  const { argv } = command;
  if (argv[0] !== 'ip' || command.input !== undefined || command.okExitCodes || command.env || command.cwd || command.timeoutMs) return undefined;
  const rest = argv[1] === '-n' ? argv.slice(3) : argv.slice(1);
  if (argv[1] === '-n' && (argv[2] === undefined || !PLAIN_ARG.test(argv[2]))) return undefined;
  if (rest.length === 0 || rest[0]!.startsWith('-') || !rest.every((a) => PLAIN_ARG.test(a))) return undefined;
  return argv[1] === '-n' ? argv[2] : '';
}

function body(command: Command): string {
  return (command.argv[1] === '-n' ? command.argv.slice(3) : command.argv.slice(1)).join(' ');
}

/**
 * Merges runs of consecutive plain `ip` commands for the same namespace into one
 * `ip [-n NETNS] -batch -` fed the commands as lines: one process instead of one per command,
 * which is most of an attach's time. Without `-force`, `ip` stops at the first failing line and
 * exits non-zero, so a batch fails where the same commands run one by one would have stopped.
 * Order is kept; anything else (other binaries, `-j`, input, quoted arguments) runs as it was.
 */
export function ipBatch(commands: readonly Command[]): Command[] {
  const out: Command[] = [];
  let run: Command[] = [];
  let runKey: string | undefined;
  const flush = () => {
    if (run.length === 1) out.push(run[0]!);
    else if (run.length > 1) {
      const argv: [string, ...string[]] = runKey ? ['ip', '-n', runKey, '-batch', '-'] : ['ip', '-batch', '-'];
      out.push({ argv, input: `${run.map(body).join('\n')}\n` });
    }
    run = [];
    runKey = undefined;
  };
  for (const command of commands) {
    const key = batchKey(command);
    if (key === undefined) {
      flush();
      out.push(command);
      continue;
    }
    if (run.length > 0 && key !== runKey) flush();
    run.push(command);
    runKey = key;
  }
  flush();
  return out;
}
