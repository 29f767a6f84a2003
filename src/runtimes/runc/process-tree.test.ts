import { describe, expect, it } from 'vitest';
import { processTree } from './process-tree.js';

describe('processTree', () => {
  const parents = new Map([
    [10, 1],
    [11, 10],
    [12, 10],
    [13, 12],
    [20, 1],
  ]);

  it.each([
    ['a leaf', 11, [11]],
    ['a process with children and grandchildren', 10, [10, 11, 12, 13]],
    ['a process not in the table', 99, [99]],
  ])('covers %s', (_name, root, expected) => {
    expect(processTree(root, parents)).toEqual(expected);
  });
});
