import type { AST } from 'toml-eslint-parser';
import { PathLocationIndex, type SourcePosition, segmentKey } from './path-location-index.js';

export type { PathLocation, PathSegment, SourcePosition } from './path-location-index.js';

/**
 * Index of every path a TOML document defines (`containers[1].image`, `ports[0].public.host`,
 * `containers`) to where it was written. Array-of-tables elements point at their `[[...]]` header,
 * tables at their `[...]` header, dotted keys' prefixes at the key-value line that implied them.
 *
 * Building it is linear in the document: each path's map key extends its parent's, so a key
 * `a.b.c…` of depth d costs O(d) and not O(d²). Callers bound the depth (`checkTomlDepth`) before.
 */
export class TomlLocations extends PathLocationIndex {
  constructor(program: AST.TOMLProgram) {
    super();
    for (const node of program.body[0].body) {
      if (node.type === 'TOMLKeyValue') {
        this.#visitKeyValue(node, '');
      } else {
        const header = { key: position(node), value: position(node) };
        let key = '';
        for (const segment of node.resolvedKey) {
          key += segmentKey(segment);
          this.remember(key, header);
        }
        for (const keyValue of node.body) this.#visitKeyValue(keyValue, key);
      }
    }
  }

  #visitKeyValue(node: AST.TOMLKeyValue, prefix: string): void {
    const at = position(node);
    let key = prefix;
    node.key.keys.forEach((part, index) => {
      key += segmentKey(part.type === 'TOMLBare' ? part.name : part.value);
      if (index < node.key.keys.length - 1) this.remember(key, { key: at, value: at });
    });
    this.remember(key, { key: at, value: position(node.value) });
    this.#visitValue(node.value, key);
  }

  #visitValue(node: AST.TOMLContentNode, key: string): void {
    if (node.type === 'TOMLInlineTable') {
      for (const keyValue of node.body) this.#visitKeyValue(keyValue, key);
    } else if (node.type === 'TOMLArray') {
      node.elements.forEach((element, index) => {
        const at = position(element);
        const elementKey = key + segmentKey(index);
        this.remember(elementKey, { key: at, value: at });
        this.#visitValue(element, elementKey);
      });
    }
  }
}

function position(node: { loc: AST.SourceLocation }): SourcePosition {
  return { line: node.loc.start.line, column: node.loc.start.column + 1 };
}
