import { describe, expect, it } from 'vitest';
import { memoryFor, vcpusFor } from './guest-sizing.js';

describe('sizing', () => {
  it.each([
    [0.25, 1],
    [1, 1],
    [1.5, 2],
    [4, 4],
  ])('gives %s cpus %s vCPUs', (cpus, vcpus) => {
    expect(vcpusFor(cpus)).toBe(vcpus);
  });

  it.each([
    [0.5, 1],
    [32, 32],
    [40, 32],
  ])('gives %s cpus %s vCPUs under a limit of 32 (Firecracker)', (cpus, vcpus) => {
    expect(vcpusFor(cpus, 32)).toBe(vcpus);
  });

  it.each([
    [64, 128],
    [128, 128],
    [512, 512],
    [300.5, 301],
  ])('gives %s MiB of memory %s MiB', (mib, expected) => {
    expect(memoryFor(mib)).toBe(expected);
  });
});
