import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import { describe, expect, it } from 'vitest';
import { tomlToValue } from './toml-to-value.js';

describe('tomlToValue', () => {
  it('builds the same value as the parser for tables, arrays of tables, dotted keys and inline tables', () => {
    const text = `a = 1
b.c = "x"
d = [1, [2, 3], { e = true }]

[t]
u = 1.5
v.w = "y"

[t.deep]
z = 1979-05-27

[[arr]]
x = 1

[[arr]]
x = 2

[arr.sub]
y = 3

[[arr.items]]
n = 1

[[arr.items]]
n = 2
`;
    const program = parseTOML(text);
    expect(tomlToValue(program)).toEqual(getStaticTOMLValue(program));
  });

  it('keeps __proto__ and constructor as own keys and never touches Object.prototype', () => {
    const value = tomlToValue(
      parseTOML('__proto__ = { polluted = 1 }\nconstructor = 2\n[x.__proto__]\npath = 1\n[[y.__proto__]]\nk = 1\n'),
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['path']).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor', 'x', 'y']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: 1 });
  });
});
