import { describe, expect, it } from 'vitest';
import { ACCESS, type Access } from '../api/access.js';
import { type RouteDef, routes } from '../api/routes.js';
import { ROLES, type Role } from '../domain/api-token.js';
import { authorize, type TokenGrant } from './authorize.js';

// The rule as a table, by access kind: which roles may, in their namespace ("own") and in
// another one ("other"). A new access kind or role fails here until it is decided.
const RULE: Record<Access, Record<Role, { own: boolean; other: boolean }>> = {
  public: { admin: { own: true, other: true }, operator: { own: true, other: true }, deployer: { own: true, other: true }, viewer: { own: true, other: true } },
  agent: { admin: { own: false, other: false }, operator: { own: false, other: false }, deployer: { own: false, other: false }, viewer: { own: false, other: false } },
  read: { admin: { own: true, other: true }, operator: { own: true, other: true }, deployer: { own: true, other: false }, viewer: { own: true, other: false } },
  logs: { admin: { own: true, other: true }, operator: { own: true, other: true }, deployer: { own: true, other: false }, viewer: { own: false, other: false } },
  deploy: { admin: { own: true, other: true }, operator: { own: false, other: false }, deployer: { own: true, other: false }, viewer: { own: false, other: false } },
  secrets: { admin: { own: true, other: true }, operator: { own: false, other: false }, deployer: { own: true, other: false }, viewer: { own: false, other: false } },
  operate: { admin: { own: true, other: true }, operator: { own: true, other: true }, deployer: { own: false, other: false }, viewer: { own: false, other: false } },
  admin: { admin: { own: true, other: true }, operator: { own: false, other: false }, deployer: { own: false, other: false }, viewer: { own: false, other: false } },
};

const grant = (role: Role): TokenGrant => ({ name: 'tester', role, namespaces: role === 'deployer' || role === 'viewer' ? ['shop'] : [] });

// Generated from the route table: every route × every role, in the token's namespace and in
// another. A route added without a declared access does not compile; one with an unknown kind
// fails the first test.
const table = Object.entries(routes as Record<string, RouteDef>).flatMap(([name, route]) =>
  ROLES.flatMap((role) =>
    (['own', 'other'] as const).map((where) => ({ name, route, role, where, allowed: RULE[route.access][role][where] })),
  ),
);

describe('authorize', () => {
  it('every route declares one of the known access kinds', () => {
    for (const [name, route] of Object.entries(routes as Record<string, RouteDef>)) expect(ACCESS, name).toContain(route.access);
  });

  it.each(table)('$name as $role in $where namespace: allowed $allowed', ({ route, role, where, allowed }) => {
    const refusal = authorize(grant(role), route.access, where === 'own' ? 'shop' : 'billing');
    expect(refusal === null).toBe(allowed);
    if (refusal !== null) expect(refusal).toMatch(/^token tester \(\w+( of shop)?\) may not make this call: it needs /);
  });

  it.each<[Role, Access, string | null, string]>([
    ['deployer', 'deploy', 'billing', 'token tester (deployer of shop) may not make this call: it needs role deployer of namespace billing, or admin'],
    ['viewer', 'deploy', 'shop', 'it needs role deployer of namespace shop, or admin'],
    ['operator', 'admin', null, 'it needs role admin'],
    ['viewer', 'logs', 'shop', 'it needs role deployer of namespace shop, or admin or operator'],
    ['deployer', 'operate', null, 'it needs role operator or admin'],
    ['admin', 'agent', null, 'it needs a host certificate'],
  ])('a %s refused %s (namespace %s) is told what the call needs', (role, access, namespace, message) => {
    expect(authorize(grant(role), access, namespace)).toContain(message);
  });

  it('a viewer granted logs reads the logs of its namespaces only', () => {
    const granted = { name: 'v', role: 'viewer' as const, namespaces: ['shop'], grants: ['logs'] };
    expect(authorize(granted, 'logs', 'shop')).toBeNull();
    expect(authorize(granted, 'logs', 'billing')).not.toBeNull();
    expect(authorize(granted, 'deploy', 'shop')).not.toBeNull();
  });

  it('an unscoped viewer reads every namespace; a call naming no namespace is judged by role alone', () => {
    expect(authorize({ name: 'v', role: 'viewer', namespaces: [] }, 'read', 'billing')).toBeNull();
    expect(authorize(grant('deployer'), 'read', null)).toBeNull();
    expect(authorize(grant('deployer'), 'deploy', null)).toBeNull();
  });
});
