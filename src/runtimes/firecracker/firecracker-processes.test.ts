import { spawn } from 'node:child_process';
import { expect, test } from 'vitest';
import { systemProcesses } from './firecracker-processes.js';

test('isRunning knows a live process by its --id argument, and not once it was killed', async () => {
  // `sh -c CMD jailer --id <id>`: the extra words are $0 $1 $2, visible in /proc/<pid>/cmdline.
  const id = `fc-proc-test-${process.pid}`;
  const child = spawn('sh', ['-c', 'sleep 30', 'jailer', '--id', id], { stdio: 'ignore' });
  const pid = child.pid as number;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    expect(await systemProcesses.isRunning(pid, id)).toBe(true);
    expect(await systemProcesses.isRunning(pid, `${id}-other`)).toBe(false);
    systemProcesses.kill(pid, 'SIGKILL');
    await exited;
    expect(await systemProcesses.isRunning(pid, id)).toBe(false);
    systemProcesses.kill(pid, 'SIGKILL'); // Gone: no error.
  } finally {
    child.kill('SIGKILL');
  }
});

test('isRunning accepts the --id=<id> form Firecracker is exec-ed with', async () => {
  const id = `fc-proc-test2-${process.pid}`;
  const child = spawn('sh', ['-c', 'sleep 30', 'firecracker', `--id=${id}`], { stdio: 'ignore' });
  try {
    expect(await systemProcesses.isRunning(child.pid as number, id)).toBe(true);
  } finally {
    child.kill('SIGKILL');
  }
});
