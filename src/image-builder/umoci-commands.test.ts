import { describe, expect, it } from 'vitest';
import { parseLddOutput } from './ldd-libraries.js';
import { umoci } from './umoci-commands.js';

describe('umoci commands', () => {
  it('config repeats a flag for each list value', () => {
    const command = umoci.config('/c/redis', '7', {
      entrypoint: ['/usr/bin/redis-server'],
      cmd: ['--port', '6379'],
      env: ['PATH=/bin', 'A=b'],
      workingdir: '/data',
      exposedports: ['6379/tcp'],
    });
    expect(command.argv).toEqual([
      'umoci',
      'config',
      '--image',
      '/c/redis:7',
      '--author',
      'bubo test-images',
      '--config.entrypoint',
      '/usr/bin/redis-server',
      '--config.cmd',
      '--port',
      '--config.cmd',
      '6379',
      '--config.env',
      'PATH=/bin',
      '--config.env',
      'A=b',
      '--config.workingdir',
      '/data',
      '--config.exposedports',
      '6379/tcp',
    ]);
  });

  it('config refuses an empty value, which umoci would silently drop', () => {
    const config = { entrypoint: ['/x'], cmd: ['--save', ''], env: [], workingdir: '/', exposedports: [] };
    expect(() => umoci.config('/c/redis', '7', config)).toThrow(/Cannot set image config cmd: umoci drops empty values/);
  });

  it('unpack and repack name the image as layout:tag', () => {
    expect(umoci.unpack('/c/web', '1', '/b').argv).toEqual(['umoci', 'unpack', '--image', '/c/web:1', '/b']);
    expect(umoci.repack('/c/web', '1', '/b').argv.at(-1)).toBe('/b');
  });
});

describe('parseLddOutput', () => {
  it('returns every library path and the loader, skipping the vdso', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffd5b3f2000)',
      '\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f0565f21000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f056501e000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f0566024000)',
      '',
    ].join('\n');
    expect(parseLddOutput(output)).toEqual(['/lib/x86_64-linux-gnu/libm.so.6', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
  });

  it('fails on a missing library, naming it', () => {
    expect(() => parseLddOutput('\tlibfoo.so.1 => not found\n')).toThrow(/libfoo.so.1 => not found/);
  });
});
