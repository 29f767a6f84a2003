import { describe, expect, it } from 'vitest';
import { addTap } from './tap-commands.js';

describe('tap commands', () => {
  it('adds a tap device by name', () => {
    expect(addTap('bt0123456789')).toEqual({ argv: ['ip', 'tuntap', 'add', 'dev', 'bt0123456789', 'mode', 'tap'] });
  });
});
