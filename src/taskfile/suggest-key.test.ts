import { describe, expect, it } from 'vitest';
import { suggestKey } from './suggest-key.js';

const TOP = ['app', 'namespace', 'group', 'count', 'runtime', 'resources', 'containers', 'ports', 'check', 'deploy', 'volumes'];

describe('suggestKey', () => {
  it.each([
    ['contaners', TOP, 'containers'],
    ['container', TOP, 'containers'],
    ['port', TOP, 'ports'],
    ['ap', TOP, 'app'],
    ['App', TOP, 'app'],
    ['namepsace', TOP, 'namespace'],
    ['memroy', ['cpus', 'memory', 'disk'], 'memory'],
    ['cpu', ['cpus', 'memory', 'disk'], 'cpus'],
  ])('suggests for %j a close key', (unknown, candidates, expected) => {
    expect(suggestKey(unknown, candidates)).toBe(expected);
  });

  it.each([
    ['image_pull_policy', TOP],
    ['x', TOP],
    ['zzz', ['cpus', 'memory', 'disk']],
    ['anything', []],
  ])('suggests nothing for %j when no key is close', (unknown, candidates) => {
    expect(suggestKey(unknown, candidates)).toBeUndefined();
  });
});
