import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTaskFile } from '../taskfile/parse-task-file.js';
import { retargetImages } from './retarget-images.js';

const demo = (name: string): string => readFileSync(new URL(`../../examples/demo/${name}`, import.meta.url), 'utf8');
const task = (images: string[]): string =>
  `app = "a"\ngroup = "g"\n${images.map((image, i) => `\n[[containers]]\nname = "c${i}"\nimage = ${image}\n`).join('')}`;

describe('retargetImages', () => {
  it.each([
    ['a basic string on the old registry', ['"127.0.0.1:5055/bubo/redis:7"'], ['127.0.0.1:5099/bubo/redis:7']],
    ['a literal string', ["'127.0.0.1:5055/x:1'"], ['127.0.0.1:5099/x:1']],
    ['a pinned digest', ['"127.0.0.1:5055/x:1@sha256:' + 'a'.repeat(64) + '"'], ['127.0.0.1:5099/x:1@sha256:' + 'a'.repeat(64)]],
    ['another registry stays', ['"registry.example:5055/x:1"', '"127.0.0.1:5055/y:2"'], ['registry.example:5055/x:1', '127.0.0.1:5099/y:2']],
    ['a registry whose address only starts the same stays', ['"127.0.0.1:50555/x:1"'], ['127.0.0.1:50555/x:1']],
    ['an image without a registry stays', ['"busybox:1"'], ['busybox:1']],
  ])('%s', (_name, images, expected) => {
    const out = retargetImages(task(images), 't.toml', '127.0.0.1:5055', '127.0.0.1:5099');
    expect(parseTaskFile(out, 't.toml').containers.map((c) => c.image)).toEqual(expected);
  });

  it('changes nothing but the images of the demo task files (comments and lines stay)', () => {
    for (const name of ['web.toml', 'redis.toml']) {
      const text = demo(name);
      const out = retargetImages(text, name, '127.0.0.1:5055', '127.0.0.1:5099');
      expect(out).toBe(text.replaceAll('"127.0.0.1:5055/', '"127.0.0.1:5099/'));
      expect(out.split('\n')).toHaveLength(text.split('\n').length);
      expect(parseTaskFile(out, name).containers[0]?.image).toMatch(/^127\.0\.0\.1:5099\/bubo\//);
    }
  });

  it('returns the text unchanged when the registry is where the task files say', () => {
    const text = demo('web.toml');
    expect(retargetImages(text, 'web.toml', '127.0.0.1:5055', '127.0.0.1:5055')).toBe(text);
  });
});
