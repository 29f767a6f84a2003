import { describe, expect, it } from 'vitest';
import { lostRuntimes } from './lost-runtimes.js';

const runc = { name: 'runc', kind: 'container' as const, available: true };
const qemu = { name: 'qemu', kind: 'microvm' as const, available: true };

describe('lostRuntimes', () => {
  it.each([
    ['nothing lost', ['runc', 'qemu'], [runc, qemu], []],
    ['a runtime unavailable was so before: not a failure', ['runc'], [runc, { ...qemu, available: false, reason: 'no /dev/kvm' }], []],
    ['runc broken by the upgrade', ['runc', 'qemu'], [{ ...runc, available: false, reason: 'runc --version exited 127' }, qemu], ['FAIL runtime runc: available before the maintenance, not now (runc --version exited 127)']],
    ['a runtime no longer reported', ['qemu'], [runc], ['FAIL runtime qemu: available before the maintenance, not now (no longer reported)']],
    ['an operation recorded before this field', undefined, [runc], []],
  ] as const)('%s', (_, before, now, expected) => {
    expect(lostRuntimes(before, now)).toEqual(expected);
  });
});
