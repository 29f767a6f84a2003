import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeCliDeps } from '../../../test/support/fake-cli-deps.js';
import { registerKit } from './register-kit.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-kit-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const cli = fakeCliDeps();
  const program = new Command('bubo').option('--json').exitOverride();
  registerKit(program, cli.deps);
  await program.parseAsync(args, { from: 'user' });
  return cli;
}

describe('bubo kit build', () => {
  it('names a missing kernel file and exits 1', async () => {
    const cli = await run(['kit', 'build', '--cache-dir', dir, '--kernel', join(dir, 'nope')]);
    expect(cli.stderr()).toBe(`bubo: Cannot use the kernel at ${join(dir, 'nope')}: the file does not exist\n`);
    expect(cli.exitCode()).toBe(1);
  });

  it('refuses a kernel that is not an uncompressed ELF, as JSON with --json', async () => {
    const bzImage = join(dir, 'vmlinuz');
    await writeFile(bzImage, 'MZ not an elf');
    const cli = await run(['--json', 'kit', 'build', '--cache-dir', dir, '--kernel', bzImage]);
    const body = JSON.parse(cli.stdout()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('guest_kit_unavailable');
    expect(body.error.message).toMatch(/not an uncompressed ELF vmlinux/);
    expect(cli.exitCode()).toBe(1);
  });
});
