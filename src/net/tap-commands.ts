import { type Command, cmd } from '../exec/command.js';

/** A tap for a microVM; QEMU opens it by name (`-netdev tap,ifname=…,script=no,vhost=off`). */
export function addTap(tap: string): Command {
  return cmd('ip', 'tuntap', 'add', 'dev', tap, 'mode', 'tap');
}
