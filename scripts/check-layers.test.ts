import { describe, expect, it } from 'vitest';
import { forbiddenImports, readmeProblems, topologicalOrder } from './check-layers.js';
import { LAYERS } from './layers.js';

describe('topologicalOrder', () => {
  it('orders every folder after what it may import', () => {
    const sorted = topologicalOrder({ cli: ['client'], client: ['api'], api: [] });
    expect(sorted).toEqual({ order: ['api', 'client', 'cli'] });
  });

  it('names the cycle when the table has one', () => {
    expect(topologicalOrder({ a: ['b'], b: ['c'], c: ['a'] })).toEqual({ cycle: ['a', 'b', 'c', 'a'] });
  });

  it('finds no cycle in the project table', () => {
    expect(topologicalOrder(LAYERS)).toHaveProperty('order');
  });
});

describe('forbiddenImports', () => {
  const layers = { cli: ['client'], client: [], http: ['core'], core: [] };

  it('accepts imports the table allows', () => {
    expect(forbiddenImports(layers, [{ from: 'cli', to: 'client', example: 'x' }])).toEqual([]);
  });

  it('names an import against the direction, with an example module', () => {
    expect(forbiddenImports(layers, [{ from: 'client', to: 'cli', example: 'src/client/a.ts imports src/cli/b.ts' }])).toEqual([
      'src/client/ may not import src/cli/: src/client/a.ts imports src/cli/b.ts',
    ]);
  });

  it('reports a folder missing from the table once', () => {
    const imports = [
      { from: 'up', to: 'cli', example: 'a' },
      { from: 'up', to: 'core', example: 'b' },
    ];
    expect(forbiddenImports(layers, imports)).toEqual(['src/up/ is not in scripts/layers.ts: add it with what it may import']);
  });
});

describe('readmeProblems', () => {
  it('accepts a README whose "May import:" line names exactly what the table allows', () => {
    expect(readmeProblems('net', '# net\n\nMay import: `errors`,\n`exec`.\n\n## more\n`core`', ['exec', 'errors'])).toEqual([]);
    expect(readmeProblems('fs', '# fs\nMay import: nothing else in src/.\n', [])).toEqual([]);
  });

  it('names a missing README, a missing line and a line that disagrees with the table', () => {
    expect(readmeProblems('up', null, [])).toEqual(['src/up/ has no README.md (say what it owns, its vocabulary, and what it may import)']);
    expect(readmeProblems('up', '# up\n', ['exec'])).toEqual(['src/up/README.md has no "May import:" line (scripts/layers.ts allows: exec)']);
    expect(readmeProblems('up', 'May import: `exec`, `core`.', ['exec'])).toEqual(['src/up/README.md says it may import core, exec, but scripts/layers.ts allows exec']);
  });
});
