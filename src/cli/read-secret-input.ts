import { UsageError } from './usage-error.js';

/**
 * A secret value from the process's stdin: everything until end of input when it is piped
 * (`printf %s "$KEY" | bubo secret set …`, one trailing newline dropped, as `echo` adds it), or
 * one line typed on the terminal without echo. Never from an argument, so the value is in no
 * shell history and no `ps` output.
 */
export async function readSecretInput(prompt: string, stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (text: string) => {
        const chars = [...text];
        for (const [at, char] of chars.entries()) {
          if (char === '\r' || char === '\n' || char === '\u0004') {
            stdin.off('data', onData);
            // A pasted value of several lines would lose all but the first: refused, and the
            // rest of the paste is in this chunk, so nothing is left for the shell to read.
            if (chars.slice(at + 1).join('').replace(/^\n/, '') !== '') {
              return reject(new UsageError('the value has several lines; give it with --from-file or through a pipe'));
            }
            return resolve(value);
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            return reject(new UsageError('cancelled; nothing was set'));
          }
          if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
          else value += char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    stderr.write('\n');
  }
}
