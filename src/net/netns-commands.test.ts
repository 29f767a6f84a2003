import { describe, expect, it } from 'vitest';
import { addNetns, deleteNetns, listNetns } from './netns-commands.js';

describe('netns commands', () => {
  it.each([
    ['lists namespaces as JSON', listNetns(), ['ip', '-j', 'netns', 'list']],
    ['adds a namespace', addNetns('bubo-0123456789'), ['ip', 'netns', 'add', 'bubo-0123456789']],
    ['deletes a namespace', deleteNetns('bubo-0123456789'), ['ip', 'netns', 'del', 'bubo-0123456789']],
  ])('%s', (_name, command, argv) => {
    expect(command).toEqual({ argv });
  });
});
