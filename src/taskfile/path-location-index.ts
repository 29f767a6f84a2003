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
 * Paths of a TOML document (`containers[1].image`) to where they were written; the first
 * definition of a path wins. Filled by `TomlLocations` (from toml-eslint-parser's AST) and by
 * `scanTomlLocations` (from the text), which must agree.
 */
export class PathLocationIndex {
  readonly #byPath = new Map<string, PathLocation>();

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

  /** Every recorded path key and location, in recording order (for tests comparing indexes). */
  entries(): IterableIterator<[string, PathLocation]> {
    return this.#byPath.entries();
  }

  /** Records `key` (built with `segmentKey`) unless an earlier definition holds it. */
  remember(key: string, location: PathLocation): void {
    if (!this.#byPath.has(key)) this.#byPath.set(key, location);
  }
}

// JSON.stringify keeps a key containing "." or "[" from colliding with a deeper path.
export function segmentKey(segment: PathSegment): string {
  return typeof segment === 'number' ? `[${segment}]` : `.${JSON.stringify(segment)}`;
}

function pathKey(path: readonly PathSegment[]): string {
  return path.map(segmentKey).join('');
}
