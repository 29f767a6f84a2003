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
 *
 * Building it is linear in the document: each path's map key extends its parent's, so a key
 * `a.b.c…` of depth d costs O(d) and not O(d²). Callers bound the depth (`checkTomlDepth`) before.
 */
export class TomlLocations {
  readonly #byPath = new Map<string, PathLocation>();

  constructor(program: AST.TOMLProgram) {
    for (const node of program.body[0].body) {
      if (node.type === 'TOMLKeyValue') {
        this.#visitKeyValue(node, '');
      } else {
        const header = { key: position(node), value: position(node) };
        let key = '';
        for (const segment of node.resolvedKey) {
          key += segmentKey(segment);
          this.#remember(key, header);
        }
        for (const keyValue of node.body) this.#visitKeyValue(keyValue, key);
      }
    }
  }

  /** The exact location of `path`, if the document wrote it. */
  get(path: readonly PathSegment[]): PathLocation | undefined {
    return this.#byPath.get(pathKey(path));
  }

  /** The location of `path` or of its nearest written ancestor (for keys that are missing). */
  nearest(path: readonly PathSegment[]): PathLocation | undefined {
    const prefixes: string[] = [];
    let key = '';
    for (const segment of path) {
      key += segmentKey(segment);
      prefixes.push(key);
    }
    for (let i = prefixes.length - 1; i >= 0; i--) {
      const found = this.#byPath.get(prefixes[i]!);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  #remember(key: string, location: PathLocation): void {
    if (!this.#byPath.has(key)) this.#byPath.set(key, location);
  }

  #visitKeyValue(node: AST.TOMLKeyValue, prefix: string): void {
    const at = position(node);
    let key = prefix;
    node.key.keys.forEach((part, index) => {
      key += segmentKey(part.type === 'TOMLBare' ? part.name : part.value);
      if (index < node.key.keys.length - 1) this.#remember(key, { key: at, value: at });
    });
    this.#remember(key, { key: at, value: position(node.value) });
    this.#visitValue(node.value, key);
  }

  #visitValue(node: AST.TOMLContentNode, key: string): void {
    if (node.type === 'TOMLInlineTable') {
      for (const keyValue of node.body) this.#visitKeyValue(keyValue, key);
    } else if (node.type === 'TOMLArray') {
      node.elements.forEach((element, index) => {
        const at = position(element);
        const elementKey = key + segmentKey(index);
        this.#remember(elementKey, { key: at, value: at });
        this.#visitValue(element, elementKey);
      });
    }
  }
}

function position(node: { loc: AST.SourceLocation }): SourcePosition {
  return { line: node.loc.start.line, column: node.loc.start.column + 1 };
}

// JSON.stringify keeps a key containing "." or "[" from colliding with a deeper path.
function segmentKey(segment: PathSegment): string {
  return typeof segment === 'number' ? `[${segment}]` : `.${JSON.stringify(segment)}`;
}

function pathKey(path: readonly PathSegment[]): string {
  return path.map(segmentKey).join('');
}
