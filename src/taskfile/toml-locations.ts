import type { AST } from 'toml-eslint-parser';

/** A 1-based line and column in the source. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Where a path was written: its key (or table header) and its value. */
export interface PathLocation {
  key: SourcePosition;
  value: SourcePosition;
}

export type PathSegment = string | number;

/**
 * Index of every path a TOML document defines (`containers[1].image`, `ports[0].public.host`,
 * `containers`) to where it was written. Array-of-tables elements point at their `[[...]]` header,
 * tables at their `[...]` header, dotted keys' prefixes at the key-value line that implied them.
 */
export class TomlLocations {
  readonly #byPath = new Map<string, PathLocation>();

  constructor(program: AST.TOMLProgram) {
    for (const node of program.body[0].body) {
      if (node.type === 'TOMLKeyValue') {
        this.#visitKeyValue(node, []);
      } else {
        const header = { key: position(node), value: position(node) };
        const path = node.resolvedKey;
        for (let i = 1; i <= path.length; i++) this.#remember(path.slice(0, i), header);
        for (const keyValue of node.body) this.#visitKeyValue(keyValue, path);
      }
    }
  }

  /** The exact location of `path`, if the document wrote it. */
  get(path: readonly PathSegment[]): PathLocation | undefined {
    return this.#byPath.get(pathKey(path));
  }

  /** The location of `path` or of its nearest written ancestor (for keys that are missing). */
  nearest(path: readonly PathSegment[]): PathLocation | undefined {
    for (let length = path.length; length > 0; length--) {
      const found = this.get(path.slice(0, length));
      if (found !== undefined) return found;
    }
    return undefined;
  }

  #remember(path: readonly PathSegment[], location: PathLocation): void {
    const key = pathKey(path);
    if (!this.#byPath.has(key)) this.#byPath.set(key, location);
  }

  #visitKeyValue(node: AST.TOMLKeyValue, prefix: readonly PathSegment[]): void {
    const names = node.key.keys.map((key) => (key.type === 'TOMLBare' ? key.name : key.value));
    const at = position(node);
    for (let i = 1; i < names.length; i++) {
      this.#remember([...prefix, ...names.slice(0, i)], { key: at, value: at });
    }
    const path = [...prefix, ...names];
    this.#remember(path, { key: at, value: position(node.value) });
    this.#visitValue(node.value, path);
  }

  #visitValue(node: AST.TOMLContentNode, path: readonly PathSegment[]): void {
    if (node.type === 'TOMLInlineTable') {
      for (const keyValue of node.body) this.#visitKeyValue(keyValue, path);
    } else if (node.type === 'TOMLArray') {
      node.elements.forEach((element, index) => {
        const at = position(element);
        this.#remember([...path, index], { key: at, value: at });
        this.#visitValue(element, [...path, index]);
      });
    }
  }
}

function position(node: { loc: AST.SourceLocation }): SourcePosition {
  return { line: node.loc.start.line, column: node.loc.start.column + 1 };
}

function pathKey(path: readonly PathSegment[]): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`)).join('');
}
