import { describe, expect, it } from 'vitest';
import { registryAuthJson } from './registry-access.js';

describe('registryAuthJson', () => {
  it('is undefined for anonymous access', () => {
    expect(registryAuthJson('r.x', { insecure: true })).toBeUndefined();
  });

  it('encodes basic credentials as docker login does', () => {
    expect(JSON.parse(registryAuthJson('r.x:5000', { username: 'ci', password: 'pw' })!)).toEqual({ auths: { 'r.x:5000': { auth: Buffer.from('ci:pw').toString('base64') } } });
  });

  it('stores an identity token beside a user with an empty password', () => {
    expect(JSON.parse(registryAuthJson('r.x', { token: 't' })!)).toEqual({ auths: { 'r.x': { auth: Buffer.from('<token>:').toString('base64'), identitytoken: 't' } } });
  });
});
