import { describe, expect, it } from 'vitest';
import { cmd } from './command.js';
import { runCommand } from './run-command.js';

describe('runCommand', () => {
  it('runs an argv without a shell, so metacharacters stay literal', async () => {
    const result = await runCommand(cmd('echo', 'a;b', '$(id)', '*'));
    expect(result.stdout).toBe('a;b $(id) *\n');
  });

  it('passes standard input', async () => {
    expect((await runCommand({ argv: ['cat'], input: 'hello' })).stdout).toBe('hello');
  });

  it('names the command, the exit code and the end of stderr on failure', async () => {
    await expect(runCommand(cmd('sh', '-c', 'echo boom >&2; exit 3'))).rejects.toThrow(/sh -c "echo boom >&2; exit 3" exited with 3: boom/);
  });

  it('accepts listed exit codes as success', async () => {
    expect((await runCommand({ argv: ['sh', '-c', 'exit 2'], okExitCodes: [2] })).exitCode).toBe(2);
  });

  it('says when a binary is not installed', async () => {
    await expect(runCommand(cmd('bubo-no-such-binary'))).rejects.toThrow(/bubo-no-such-binary is not installed/);
  });
});
