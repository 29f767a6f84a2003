import { describe, expect, it } from 'vitest';
import { forbiddenImports, topologicalOrder } from './check-layers.js';
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
