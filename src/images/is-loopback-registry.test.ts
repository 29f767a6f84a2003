import { describe, expect, it } from 'vitest';
import { isLoopbackRegistry } from './image-cache.js';

describe('isLoopbackRegistry', () => {
  it.each([
    ['127.0.0.1:5055', true],
    ['127.1.2.3', true],
    ['localhost:5000', true],
    ['[::1]:5000', true],
    ['registry.internal:5000', false],
    ['10.0.0.1:5000', false],
    ['127.0.0.1.example.com', false],
    [null, false],
  ])('%s → %s', (registry, expected) => {
    expect(isLoopbackRegistry(registry)).toBe(expected);
  });
});
