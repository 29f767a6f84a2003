import fc from 'fast-check';
import { parse, stringify } from 'smol-toml';
import { parseTOML } from 'toml-eslint-parser';
import { describe, expect, it } from 'vitest';
import { scanTomlLocations } from './scan-toml-locations.js';
import { keyDepthProblem } from './toml-depth.js';
import { TomlLocations } from './toml-locations.js';

/** Both indexes of `text`, or undefined when either parser refuses it (the scanner's contract is for valid TOML). */
function both(text: string) {
  try {
    parse(text);
    const program = parseTOML(text);
    return { ast: [...new TomlLocations(program).entries()], scanned: scanTomlLocations(text), program };
  } catch {
    return undefined;
  }
}

const keys = fc.oneof(
  fc.constantFrom('app', 'containers', 'env', 'ports', 'a', 'b', 'x y', 'a.b', 'é', '"q"', 'tab\there', ''),
  fc.string({ maxLength: 6 }),
);
const leaves = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('multi\nline', 'quote"s', "it's", '\\back', '😀 wide', '"""'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }),
);
const document = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaves, tie('table'), fc.array(tie('table'), { maxLength: 3 }), fc.array(leaves, { maxLength: 3 })),
  table: fc.dictionary(keys, tie('value'), { maxKeys: 5 }),
})).table;

/** Hand-written syntax stringify never emits: dotted keys, inline tables, comments, nested arrays of tables. */
const snippets = fc.constantFrom(
  'a.b.c = 1 # comment\n',
  'd = { e = 1, f.g = [1, { h = 2 }] }\n',
  '[t1]\nx = """\nmulti\n  line\\\n  joined"""\ny = \'\'\'lit\'\'\'\n',
  '[[aot]]\nn = 1\n[[aot.sub]]\nm = 2\n[[aot]]\nn = 3\n[aot.tab]\nk = "v"\n',
  '"quoted.key" = 1\n\'lit key\' = 2\n"esc\\u0041\\tkey" = 3\n',
  'arr = [\n  1, # one\n  2,\n  [3, 4],\n]\n',
  'when = 1979-05-27 07:32:00Z\nlater = 1979-05-27T00:32:00.999999-07:00\n',
  '[deep.x.y]\nz = 1\n',
  '  indented = "yes"\n\n\n',
  's = "a\\"b" ; t = 1\n',
);

describe('scanTomlLocations', () => {
  it('records exactly what TomlLocations records, for any valid document', () => {
    const checked: number[] = [];
    fc.assert(
      fc.property(fc.array(fc.oneof(document.map((d) => stringify(d)), snippets), { maxLength: 6 }), (parts) => {
        // Each part is a document of its own: headers reset the table, so order them after keys.
        const text = parts.join('\n');
        const result = both(text);
        fc.pre(result !== undefined);
        checked.push(result!.ast.length);
        expect([...result!.scanned.index.entries()]).toEqual(result!.ast);
      }),
      { numRuns: 400 },
    );
    // The generator must mostly make valid documents with something in them, or the property says little.
    expect(checked.length).toBeGreaterThan(200);
    expect(checked.filter((n) => n > 5).length).toBeGreaterThan(100);
  });

  it('finds the same too-deep key as keyDepthProblem', () => {
    const cases = [
      `${'a.'.repeat(40)}b = 1\n`,
      `[${'a.'.repeat(40)}b]\n`,
      `x = ${'['.repeat(20)}${']'.repeat(20)}\n[t.${'k.'.repeat(20)}k]\nv = { ${'w.'.repeat(12)}w = 1 }\n`,
      'ok = 1\n',
    ];
    for (const text of cases) {
      const result = both(text);
      expect(result, text).toBeDefined();
      const problem = keyDepthProblem(result!.program);
      expect(result!.scanned.tooDeep, text).toEqual(problem && { line: problem.line, column: problem.column });
    }
  });

  it('terminates on malformed and hostile text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', "'", '=', '.', ',', '\n', '#', '\\', 'a', ' ') }), (text) => {
        expect(scanTomlLocations(text).index).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });
});
