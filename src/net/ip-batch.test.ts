import { describe, expect, it } from 'vitest';
import { type Command, cmd } from '../exec/command.js';
import { ipBatch } from './ip-batch.js';

const show = (commands: Command[]) => commands.map((c) => (c.input === undefined ? c.argv.join(' ') : `${c.argv.join(' ')} <<${JSON.stringify(c.input)}`));

describe('ipBatch', () => {
  const cases: { name: string; given: Command[]; expected: string[] }[] = [
    { name: 'nothing', given: [], expected: [] },
    { name: 'a single command stays as it is', given: [cmd('ip', 'netns', 'add', 'a')], expected: ['ip netns add a'] },
    {
      name: 'host-namespace commands become one batch',
      given: [cmd('ip', 'netns', 'add', 'a'), cmd('ip', 'link', 'add', 'name', 'bv1', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', 'a'), cmd('ip', 'link', 'set', 'dev', 'bv1', 'up')],
      expected: ['ip -batch - <<"netns add a\\nlink add name bv1 type veth peer name eth0 netns a\\nlink set dev bv1 up\\n"'],
    },
    {
      name: 'a change of namespace starts a new batch, in order',
      given: [cmd('ip', 'netns', 'add', 'a'), cmd('ip', 'link', 'set', 'dev', 'x', 'up'), cmd('ip', '-n', 'a', 'addr', 'add', '10.0.0.2/24', 'dev', 'eth0'), cmd('ip', '-n', 'a', 'link', 'set', 'dev', 'lo', 'up'), cmd('ip', '-n', 'b', 'link', 'set', 'dev', 'lo', 'up')],
      expected: ['ip -batch - <<"netns add a\\nlink set dev x up\\n"', 'ip -n a -batch - <<"addr add 10.0.0.2/24 dev eth0\\nlink set dev lo up\\n"', 'ip -n b link set dev lo up'],
    },
    {
      name: 'commands that cannot go in a batch split it and run as they were',
      given: [cmd('ip', 'link', 'set', 'dev', 'x', 'up'), cmd('ip', '-j', 'link', 'show'), cmd('ip', 'link', 'set', 'dev', 'y', 'up'), cmd('nft', '-f', '-'), cmd('ip', 'link', 'set', 'dev', 'z', 'up'), cmd('ip', 'link', 'set', 'dev', 'has space', 'up')],
      expected: ['ip link set dev x up', 'ip -j link show', 'ip link set dev y up', 'nft -f -', 'ip link set dev z up', 'ip link set dev has space up'],
    },
    {
      name: 'a command with its own input or accepted exit codes is not batched',
      given: [{ argv: ['ip', 'link', 'set', 'dev', 'x', 'up'], okExitCodes: [2] }, cmd('ip', 'link', 'set', 'dev', 'y', 'up')],
      expected: ['ip link set dev x up', 'ip link set dev y up'],
    },
  ];
  it.each(cases)('$name', ({ given, expected }) => {
    expect(show(ipBatch(given))).toEqual(expected);
  });
});
