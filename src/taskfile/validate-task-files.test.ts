import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateTaskFiles } from './validate-task-files.js';

describe('validateTaskFiles', () => {
  it('reports each file in order: valid, invalid and unreadable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bubo-validate-'));
    const good = join(dir, 'good.toml');
    const bad = join(dir, 'bad.toml');
    const missing = join(dir, 'missing.toml');
    writeFileSync(good, 'app = "shop"\ngroup = "web"\n[[containers]]\nname = "web"\nimage = "shop:1.0"\n');
    writeFileSync(bad, 'app = "shop"\ngroup = "web"\n[[containers]]\nname = "web"\nimage = "redis"\n');

    const [goodResult, badResult, missingResult, dirResult] = await validateTaskFiles([good, bad, missing, dir]);

    expect(goodResult).toMatchObject({ file: good, ok: true, spec: { app: 'shop' } });
    expect(badResult).toEqual({
      file: bad,
      ok: false,
      problems: [
        {
          path: 'containers[0].image',
          message: 'image "redis" needs a tag or digest, e.g. "redis:1.0"',
          line: 5,
          column: 9,
        },
      ],
      message: `${bad}: 1 problem\n${bad}:5:9: containers[0].image: image "redis" needs a tag or digest, e.g. "redis:1.0"`,
    });
    expect(missingResult).toEqual({
      file: missing,
      ok: false,
      problems: [{ path: '', message: `cannot read ${missing}: no such file` }],
      message: `${missing}: 1 problem\n${missing}: cannot read ${missing}: no such file`,
    });
    expect(dirResult).toMatchObject({ ok: false, problems: [{ message: `cannot read ${dir}: is a directory, not a file` }] });
  });

  it('returns no results for no files', async () => {
    expect(await validateTaskFiles([])).toEqual([]);
  });
});
