import type { AST } from 'toml-eslint-parser';

type Table = Record<string, unknown>;

/**
 * The plain value of a parsed TOML document. Used instead of toml-eslint-parser's
 * `getStaticTOMLValue`, which assigns keys with `obj[key] = value`: a `[__proto__]` table in a
 * task file would then write onto `Object.prototype` of the whole process. Here every key becomes
 * an own property, whatever its name. The parser has already rejected redefined keys and tables.
 */
export function tomlToValue(program: AST.TOMLProgram): Table {
  const root: Table = {};
  for (const node of program.body[0].body) {
    if (node.type === 'TOMLKeyValue') {
      assignKeyValue(root, node);
      continue;
    }
    // resolvedKey names every level, with array-of-tables indexes: [[a]] → [a, 0]; then [a.b] → [a, 0, b].
    const path = node.resolvedKey;
    const parentPath = node.kind === 'array' ? path.slice(0, -1) : path;
    let table: unknown = root;
    parentPath.forEach((segment, index) => {
      const nextIsIndex = typeof path[index + 1] === 'number';
      table = child(table, segment, () => (nextIsIndex ? [] : {}));
    });
    if (node.kind === 'array') table = child(table, path[path.length - 1] ?? 0, () => ({}));
    for (const keyValue of node.body) assignKeyValue(table as Table, keyValue);
  }
  return root;
}

function assignKeyValue(table: Table, node: AST.TOMLKeyValue): void {
  const names = node.key.keys.map((key) => (key.type === 'TOMLBare' ? key.name : key.value));
  let target: unknown = table;
  for (const name of names.slice(0, -1)) target = child(target, name, () => ({}));
  define(target as Table, names[names.length - 1] ?? '', contentValue(node.value));
}

function contentValue(node: AST.TOMLContentNode): unknown {
  switch (node.type) {
    case 'TOMLArray':
      return node.elements.map(contentValue);
    case 'TOMLInlineTable': {
      const table: Table = {};
      for (const keyValue of node.body) assignKeyValue(table, keyValue);
      return table;
    }
    default:
      return node.value;
  }
}

/** The existing own child `segment` of `parent`, or a new one made by `make`. */
function child(parent: unknown, segment: string | number, make: () => unknown): unknown {
  const container = parent as Record<string | number, unknown>;
  if (Object.hasOwn(container, segment)) return container[segment];
  const created = make();
  define(container, segment, created);
  return created;
}

function define(target: Record<string | number, unknown>, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
