import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTaskFile } from '../taskfile/parse-task-file.js';

const read = (name: string): string => readFileSync(new URL(`../../examples/demo/${name}`, import.meta.url), 'utf8');

describe('examples/demo task files', () => {
  it('web.toml parses and runs the demo-web image that test-images builds, pushed to 127.0.0.1:5055', () => {
    const web = parseTaskFile(read('web.toml'), 'web.toml');
    expect(web.containers[0]?.image).toBe('127.0.0.1:5055/bubo/demo-web:1');
    expect(web.containers[0]?.env['REDIS_HOST']).toBe('redis.default.bubo.internal');
    expect(web.ports[0]).toMatchObject({ name: 'http', port: 80, protocol: 'http', public: { host: 'demo.localhost' } });
  });

  it('redis.toml parses and runs the redis image on 6379 with a tcp check', () => {
    const redis = parseTaskFile(read('redis.toml'), 'redis.toml');
    expect(redis.containers[0]?.image).toBe('127.0.0.1:5055/bubo/redis:7');
    expect(redis.ports[0]).toMatchObject({ name: 'redis', port: 6379, protocol: 'tcp' });
  });

  it('postgres.toml parses: the postgres image, a volume for the cluster, the password secret, pg_isready', () => {
    const text = readFileSync(new URL('../../examples/postgres/postgres.toml', import.meta.url), 'utf8');
    const pg = parseTaskFile(text, 'postgres.toml');
    expect(pg.containers[0]?.image).toBe('127.0.0.1:5055/bubo/postgres:15');
    expect(pg.containers[0]?.env['POSTGRES_PASSWORD_FILE']).toBe('/run/secrets/postgres-password');
    expect(pg.volumes).toEqual([expect.objectContaining({ name: 'data', path: '/var/lib/postgresql/data' })]);
    expect(pg.check).toMatchObject({ kind: 'exec', command: ['pg_isready', '-q'] });
  });

  it('examples/redis/redis.toml parses: the redis image, a volume for the AOF, the password secret as a file, an AUTH+PING check', () => {
    const text = readFileSync(new URL('../../examples/redis/redis.toml', import.meta.url), 'utf8');
    const redis = parseTaskFile(text, 'redis.toml');
    expect(redis.app).toBe('redis');
    expect(redis.runtime).toBe('container');
    expect(redis.containers[0]?.image).toBe('127.0.0.1:5055/bubo/redis:7');
    expect(redis.containers[0]?.secrets).toEqual([expect.objectContaining({ name: 'REDIS_PASSWORD', file: '/run/secrets/redis-password' })]);
    const script = redis.containers[0]?.command?.join(' ') ?? '';
    expect(script).toContain('appendonly yes');
    expect(script).toContain('appendfsync everysec');
    expect(script).toContain('dir /data');
    expect(script).toContain('requirepass $password');
    expect(redis.volumes).toEqual([expect.objectContaining({ name: 'data', path: '/data' })]);
    expect(redis.ports[0]).toMatchObject({ name: 'redis', port: 6379, protocol: 'tcp' });
    expect(redis.check).toMatchObject({ kind: 'exec', command: ['/bin/sh', '-c', expect.stringContaining('+PONG')] });
  });
});
