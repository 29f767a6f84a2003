import { describe, expect, it } from 'vitest';
import { hostsFile, resolvConf } from './instance-files.js';
import { mountOverlay, runcDelete, runcKill, runcList, runcRunArgv, runcState, runcVersion, SHIM_SCRIPT, shimArgv, unmount } from './runc-commands.js';

describe('runc argv builders', () => {
  it.each([
    ['version', runcVersion('runc').argv, ['runc', '--version']],
    ['list as JSON', runcList('runc').argv, ['runc', 'list', '--format', 'json']],
    ['state', runcState('runc', 'i1-web').argv, ['runc', 'state', 'i1-web']],
    ['kill with TERM', runcKill('runc', 'i1-web', 'TERM').argv, ['runc', 'kill', 'i1-web', 'TERM']],
    ['kill with KILL', runcKill('/usr/sbin/runc', 'i1-web', 'KILL').argv, ['/usr/sbin/runc', 'kill', 'i1-web', 'KILL']],
    ['forced delete', runcDelete('runc', 'i1-web').argv, ['runc', 'delete', '--force', 'i1-web']],
    ['unmount', unmount('/s/i1/web/rootfs').argv, ['umount', '/s/i1/web/rootfs']],
    [
      'overlay mount',
      mountOverlay('/img/rootfs', '/s/i1/web/upper', '/s/i1/web/work', '/s/i1/web/rootfs').argv,
      ['mount', '-t', 'overlay', 'overlay', '-o', 'lowerdir=/img/rootfs,upperdir=/s/i1/web/upper,workdir=/s/i1/web/work', '/s/i1/web/rootfs'],
    ],
  ])('%s', (_name, argv, expected) => {
    expect(argv).toEqual(expected);
  });

  it('treats "does not exist" as done for kill and delete, so stop can be re-run', () => {
    expect(runcDelete('runc', 'x').okExitCodes).toEqual([1]);
    expect(runcKill('runc', 'x', 'TERM').okExitCodes).toEqual([1]);
  });

  it('runs runc in the foreground with its errors logged as JSON and its pid file written once running', () => {
    expect(runcRunArgv('runc', '/s/i1/web', 'i1-web', '/s/i1/web.runc.log', '/s/i1/web.runc.pid')).toEqual([
      'runc',
      '--log',
      '/s/i1/web.runc.log',
      '--log-format',
      'json',
      'run',
      '--bundle',
      '/s/i1/web',
      '--pid-file',
      '/s/i1/web.runc.pid',
      'i1-web',
    ]);
  });

  it('wraps the run in a constant shim script that receives every path as a positional parameter', () => {
    expect(shimArgv('/s/i1/web.exit', ['runc', 'run', 'x'])).toEqual(['/bin/sh', '-c', SHIM_SCRIPT, 'bubo-runc-shim', '/s/i1/web.exit', 'runc', 'run', 'x']);
    expect(SHIM_SCRIPT).not.toContain('/s/');
  });
});

describe('instance files', () => {
  it('points resolv.conf at the network DNS server', () => {
    expect(resolvConf('10.88.3.1')).toBe('nameserver 10.88.3.1\noptions ndots:1\n');
  });

  it('maps the instance hostname to its address in hosts', () => {
    expect(hostsFile('shop-1a2b', '10.88.3.7')).toContain('10.88.3.7\tshop-1a2b\n');
    expect(hostsFile('shop-1a2b', '10.88.3.7')).toContain('127.0.0.1\tlocalhost\n');
  });
});
