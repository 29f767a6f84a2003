import { describe, expect, it } from 'vitest';
import type { Release } from '../domain/app.js';
import type { TaskSpec } from '../domain/task-spec.js';
import { pinImage, pinnedSpec } from './pinned-spec.js';

const D = `sha256:${'c'.repeat(64)}`;

describe('pinnedSpec', () => {
  it('pins each container image to its recorded digest, keeping the tag for people to read', () => {
    const spec = { containers: [{ name: 'web', image: 'r:5000/shop:1.4' }, { name: 'log', image: 'r:5000/fluent:2' }] } as TaskSpec;
    const release = { spec, digests: { web: D } } as unknown as Release;
    expect(pinnedSpec(release).containers.map((c) => c.image)).toEqual([`r:5000/shop:1.4@${D}`, 'r:5000/fluent:2']);
    expect(spec.containers[0]!.image).toBe('r:5000/shop:1.4');
  });

  it('leaves images that already name a digest, and releases with nothing recorded, as written', () => {
    expect(pinImage(`r/shop@${D}`, `sha256:${'d'.repeat(64)}`)).toBe(`r/shop@${D}`);
    const release = { spec: { containers: [] }, digests: {} } as unknown as Release;
    expect(pinnedSpec(release)).toBe(release.spec);
  });
});
