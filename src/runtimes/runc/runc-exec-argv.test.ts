import { describe, expect, it } from 'vitest';
import { runcExecArgv } from './runc-exec-argv.js';

describe('runcExecArgv', () => {
  it.each([
    ['a plain command', ['cat', '/etc/hostname'], ['runc', 'exec', '--pid-file', '/s/i1/exec-1.pid', 'i1-web', 'cat', '/etc/hostname']],
    ['a command whose arguments look like options', ['sh', '-c', 'exit 3'], ['runc', 'exec', '--pid-file', '/s/i1/exec-1.pid', 'i1-web', 'sh', '-c', 'exit 3']],
  ] as const)('runs %s in the container, with the pid file before the name', (_name, argv, expected) => {
    expect(runcExecArgv('runc', 'i1-web', '/s/i1/exec-1.pid', argv).argv).toEqual(expected);
  });

  it('accepts every exit status as the answer', () => {
    const { okExitCodes } = runcExecArgv('runc', 'i1-web', '/p', ['true']);
    expect(okExitCodes).toContain(1);
    expect(okExitCodes).toContain(137);
    expect(okExitCodes).toContain(255);
  });
});
