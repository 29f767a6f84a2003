import { describe, expect, it } from 'vitest';
import { nginxSignal, nginxStart, nginxTestConfig } from './nginx-commands.js';
import { nginxPaths } from './nginx-paths.js';

const paths = nginxPaths('/var/lib/bubo/lb');

describe('nginx commands', () => {
  it('checks a candidate file with the private prefix and errors on stderr', () => {
    expect(nginxTestConfig('/usr/sbin/nginx', paths, paths.nextConf).argv).toEqual([
      '/usr/sbin/nginx',
      '-p',
      '/var/lib/bubo/lb/',
      '-c',
      '/var/lib/bubo/lb/nginx.conf.next',
      '-e',
      'stderr',
      '-t',
      '-q',
    ]);
  });

  it('starts and signals the master of the live configuration', () => {
    const live = ['nginx', '-p', '/var/lib/bubo/lb/', '-c', '/var/lib/bubo/lb/nginx.conf', '-e', 'stderr'];
    expect(nginxStart('nginx', paths).argv).toEqual(live);
    expect(nginxSignal('nginx', paths, 'reload').argv).toEqual([...live, '-s', 'reload']);
    expect(nginxSignal('nginx', paths, 'quit').argv).toEqual([...live, '-s', 'quit']);
  });
});
