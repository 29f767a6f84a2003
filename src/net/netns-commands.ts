import { type Command, cmd } from '../exec/command.js';

/** `ip -j netns list`: named network namespaces as JSON (empty output when there are none). */
export function listNetns(): Command {
  return cmd('ip', '-j', 'netns', 'list');
}

export function addNetns(netns: string): Command {
  return cmd('ip', 'netns', 'add', netns);
}

/** Deletes the namespace; its `eth0` goes with it, and so does the veth's host end. */
export function deleteNetns(netns: string): Command {
  return cmd('ip', 'netns', 'del', netns);
}
