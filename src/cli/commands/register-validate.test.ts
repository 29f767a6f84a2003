import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeCliDeps } from '../../../test/support/fake-cli-deps.js';
import { runCli } from '../run-cli.js';

let dir = '';
let good = '';
let bad = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-validate-'));
  good = join(dir, 'good.toml');
  bad = join(dir, 'bad.toml');
  await writeFile(good, 'app = "shop"\ngroup = "web"\ncount = 3\n[resources]\ncpus = 1\nmemory = "512MiB"\n[[containers]]\nname = "web"\nimage = "shop:1.0"\n');
  await writeFile(bad, 'app = "shop"\ngroup = "web"\ncont = 3\n[[containers]]\nname = "web"\nimage = "shop:1.0"\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('bubo validate', () => {
  it('says a good file is ok and what it describes, without a server', async () => {
    const cli = fakeCliDeps({}, { fetch: async () => Promise.reject(new Error('no server in this test')) });
    await runCli(['validate', good], cli.deps);
    expect(cli.stdout()).toBe(`${good}: ok (app shop, 3 instances in group web)\n`);
    expect(cli.exitCode()).toBe(0);
  });

  it('lists the problems of a bad file with line and column and exits 1', async () => {
    const cli = fakeCliDeps();
    await runCli(['validate', good, bad], cli.deps);
    expect(cli.stdout()).toBe(
      `${good}: ok (app shop, 3 instances in group web)\n${bad}: 1 problem\n${bad}:3:1: unknown key "cont"; did you mean "count"?\n`,
    );
    expect(cli.exitCode()).toBe(1);
  });

  it('prints {files: [{file, ok, problems}]} with --json', async () => {
    const cli = fakeCliDeps();
    await runCli(['validate', '--json', good, bad], cli.deps);
    expect(JSON.parse(cli.stdout())).toEqual({
      files: [
        { file: good, ok: true },
        { file: bad, ok: false, problems: [{ path: 'cont', message: 'unknown key "cont"; did you mean "count"?', line: 3, column: 1 }] },
      ],
    });
    expect(cli.exitCode()).toBe(1);
  });
});
