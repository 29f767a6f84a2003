import { describe, expect, it } from 'vitest';
import { dnsServeArgv, isDnsProcessOf } from './dns-serve-argv.js';

const base = { program: ['/usr/bin/node', '/opt/bubo/bin/bubo.js'] as const, stateDir: '/var/lib/bubo/agent', listen: '10.88.1.1:53' };

describe('dnsServeArgv', () => {
  it('starts bubo dns serve for the state directory on the listen address', () => {
    expect(dnsServeArgv({ ...base, upstreams: [] })).toEqual([
      '/usr/bin/node', '/opt/bubo/bin/bubo.js', 'dns', 'serve', '--state-dir', '/var/lib/bubo/agent', '--listen', '10.88.1.1:53',
    ]);
  });

  it('passes every upstream in order and the pid to take over from', () => {
    expect(dnsServeArgv({ ...base, upstreams: ['192.0.2.1:53', '192.0.2.2:5353'], replacePid: 4242 }).slice(8)).toEqual([
      '--upstream', '192.0.2.1:53', '--upstream', '192.0.2.2:5353', '--replace', '4242',
    ]);
  });
});

describe('isDnsProcessOf', () => {
  const ours = dnsServeArgv({ ...base, upstreams: ['192.0.2.1:53'] });
  it.each([
    ['the argv the agent starts', ours, true],
    ['the same with --replace', dnsServeArgv({ ...base, upstreams: [], replacePid: 7 }), true],
    ['another agent state directory', dnsServeArgv({ ...base, stateDir: '/var/lib/bubo/agent2', upstreams: [] }), false],
    ['a state directory that only starts like ours', dnsServeArgv({ ...base, stateDir: '/var/lib/bubo/agent/x', upstreams: [] }), false],
    ['the agent itself', ['/usr/bin/node', '/opt/bubo/bin/bubo.js', 'agent', '--state-dir', '/var/lib/bubo/agent'], false],
    ['dnsmasq', ['/usr/sbin/dnsmasq', '--no-daemon'], false],
    ['a process whose cmdline is gone (exited)', [], false],
    ['"serve" without "dns" before it', ['/usr/bin/node', 'x.js', 'serve', '--state-dir', '/var/lib/bubo/agent'], false],
    ['--state-dir before the subcommand', ['/usr/bin/node', 'x.js', '--state-dir', '/var/lib/bubo/agent', 'dns', 'serve'], false],
  ])('%s → %s', (_why, argv, expected) => {
    expect(isDnsProcessOf(argv, '/var/lib/bubo/agent')).toBe(expected);
  });
});
