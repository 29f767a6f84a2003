import { MAX_TOML_DEPTH } from './toml-depth.js';
import { PathLocationIndex, type SourcePosition, segmentKey } from './path-location-index.js';

export interface ScannedLocations {
  index: PathLocationIndex;
  /** The first key or array more than `MAX_TOML_DEPTH` levels below the top, as `keyDepthProblem` finds it. */
  tooDeep?: SourcePosition;
}

const BARE_KEY = /[A-Za-z0-9_-]/;
const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\u001b', '"': '"', '\\': '\\' };

/**
 * The same index as `TomlLocations`, from one pass over the text instead of toml-eslint-parser's
 * AST. That parser allocates a token object, a node and two location objects per value, which
 * makes a hostile 256 KiB file (50,000 array elements) take over a second to refuse; this
 * scanner records only the positions, in time linear in the text. No TOML library offers
 * positions without a full AST, hence our own.
 *
 * Contract: run on text that smol-toml parsed (well-formed TOML), it records exactly what
 * `TomlLocations` records (a property test compares them). On malformed text it still
 * terminates in linear time, with positions that mean nothing.
 */
export function scanTomlLocations(text: string): ScannedLocations {
  const index = new PathLocationIndex();
  let tooDeep: SourcePosition | undefined;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  /** Last index of each array of tables, by resolved path key (`.a[0].b`). */
  const arrayTables = new Map<string, number>();

  const here = (): SourcePosition => ({ line, column: i - lineStart + 1 });
  const newline = () => {
    line++;
    lineStart = i + 1;
  };
  /** The first key too deep is the answer; the scan stops there (deeper paths cost O(depth²) to record). */
  const deep = (at: SourcePosition) => {
    tooDeep ??= at;
    i = text.length;
  };
  /** Spaces, tabs and comments; with `lines`, newlines too. */
  function skipBlank(lines: boolean): void {
    while (i < text.length) {
      const c = text[i]!;
      if (c === ' ' || c === '\t' || c === '\r') i++;
      else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
      else if (c === '\n' && lines) {
        newline();
        i++;
      } else return;
    }
  }
  /** A string starting at `i` (basic, literal, or their multi-line forms); returns its value. */
  function readString(): string {
    const quote = text[i]!;
    const multi = text.startsWith(quote.repeat(3), i);
    i += multi ? 3 : 1;
    let value = '';
    while (i < text.length) {
      const c = text[i]!;
      if (multi ? text.startsWith(quote.repeat(3), i) : c === quote) {
        i += multi ? 3 : 1;
        // Up to two quotes right before the closing three belong to the string.
        if (multi) while (text[i] === quote) i++;
        return value;
      }
      if (c === '\n') {
        if (!multi) return value;
        newline();
      }
      if (c === '\\' && quote === '"') {
        value += readEscape();
        continue;
      }
      value += c;
      i++;
    }
    return value;
  }
  /** An escape sequence at `i` in a basic string (only keys' values matter here). */
  function readEscape(): string {
    const c = text[i + 1] ?? '';
    const hex = c === 'u' ? 4 : c === 'U' ? 8 : c === 'x' ? 2 : 0;
    if (hex > 0) {
      const code = Number.parseInt(text.slice(i + 2, i + 2 + hex), 16);
      i += 2 + hex;
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    i += 2;
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r') {
      // A line-ending backslash in a multi-line string: the whitespace up to the next text goes.
      i--;
      while (i < text.length && /[ \t\r\n]/.test(text[i]!)) {
        if (text[i] === '\n') newline();
        i++;
      }
      return '';
    }
    return ESCAPES[c] ?? '';
  }
  /** A dotted key at `i`: its segments (at least one, unless the text is malformed). */
  function readKey(): string[] {
    const parts: string[] = [];
    for (;;) {
      skipBlank(false);
      const c = text[i];
      if (c === '"' || c === "'") parts.push(readString());
      else {
        const start = i;
        while (i < text.length && BARE_KEY.test(text[i]!)) i++;
        if (i === start) return parts;
        parts.push(text.slice(start, i));
      }
      skipBlank(false);
      if (text[i] !== '.') return parts;
      i++;
    }
  }
  function keyValue(prefix: string, depth: number): void {
    const at = here();
    const parts = readKey();
    if (parts.length === 0) {
      i++;
      return;
    }
    if (depth + parts.length > MAX_TOML_DEPTH) {
      deep(at);
      return;
    }
    let key = prefix;
    parts.forEach((part, n) => {
      key += segmentKey(part);
      if (n < parts.length - 1) index.remember(key, { key: at, value: at });
    });
    skipBlank(false);
    if (text[i] === '=') i++;
    skipBlank(false);
    index.remember(key, { key: at, value: here() });
    value(key, depth + parts.length);
  }
  function value(key: string, depth: number): void {
    const c = text[i];
    if (c === '"' || c === "'") {
      readString();
    } else if (c === '[') {
      if (depth + 1 > MAX_TOML_DEPTH) {
        deep(here());
        return;
      }
      i++;
      for (let n = 0; ; n++) {
        skipBlank(true);
        if (i >= text.length || text[i] === ']') break;
        const at = here();
        const elementKey = key + segmentKey(n);
        index.remember(elementKey, { key: at, value: at });
        const before = i;
        value(elementKey, depth + 1);
        skipBlank(true);
        if (text[i] === ',') i++;
        else if (i === before) i++;
      }
      i++;
    } else if (c === '{') {
      i++;
      for (;;) {
        skipBlank(true);
        if (i >= text.length || text[i] === '}') break;
        const before = i;
        keyValue(key, depth);
        skipBlank(true);
        if (text[i] === ',') i++;
        else if (i === before) i++;
      }
      i++;
    } else {
      // Numbers, booleans, dates (which may hold a space): only where they start matters.
      while (i < text.length && !',]}#\n'.includes(text[i]!)) i++;
    }
  }
  function header(): string {
    const at = here();
    const array = text.startsWith('[[', i);
    i += array ? 2 : 1;
    const parts = readKey();
    i += array ? 2 : 1;
    if (parts.length > MAX_TOML_DEPTH) {
      deep(at);
      return '';
    }
    const location = { key: at, value: at };
    let key = '';
    let depth = 0;
    parts.forEach((part, n) => {
      key += segmentKey(part);
      depth++;
      index.remember(key, location);
      const last = arrayTables.get(key);
      const element = array && n === parts.length - 1 ? (last ?? -1) + 1 : last;
      if (element === undefined) return;
      if (array && n === parts.length - 1) arrayTables.set(key, element);
      key += segmentKey(element);
      depth++;
      index.remember(key, location);
    });
    // Array indexes count too: [[a]] [a.b] is a[0].b, three levels.
    if (depth > MAX_TOML_DEPTH) deep(at);
    tableDepth = depth;
    return key;
  }

  let table = '';
  let tableDepth = 0;
  while (i < text.length) {
    skipBlank(true);
    if (i >= text.length) break;
    const before = i;
    if (text[i] === '[') table = header();
    else keyValue(table, tableDepth);
    // The rest of the line is a comment or malformed; either way the next statement starts after it.
    skipBlank(false);
    if (i === before) i++;
    while (i < text.length && text[i] !== '\n') i++;
  }
  return tooDeep === undefined ? { index } : { index, tooDeep };
}
