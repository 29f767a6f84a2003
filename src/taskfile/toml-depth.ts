import type { AST } from 'toml-eslint-parser';
import type { FieldProblem } from '../errors/invalid-request-error.js';

/**
 * How deep a task file may nest: arrays and inline tables inside each other, and keys
 * (`a.b.c`, `[a.b.c]`, keys of inline tables) below the top level. The deepest path a valid task
 * file has is 5 (`ports[0].public.tls.cert`); 32 leaves room for mistakes to be reported as such.
 * Without a bound the parser and every recursive walk after it overflow the stack, and
 * per-path work becomes quadratic.
 */
export const MAX_TOML_DEPTH = 32;

/**
 * The first place where `[`/`{` nest deeper than `MAX_TOML_DEPTH`, found by one linear scan that
 * skips strings and comments; run before the parser, whose recursion it bounds.
 */
export function bracketDepthProblem(text: string): FieldProblem | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const skipTo = (end: string, escapes: boolean, stopAtNewline: boolean) => {
    while (i < text.length) {
      const c = text[i]!;
      if (escapes && c === '\\') {
        i += 2;
        continue;
      }
      if (c === '\n') {
        if (stopAtNewline) return;
        line++;
        lineStart = i + 1;
      }
      if (text.startsWith(end, i)) {
        i += end.length;
        return;
      }
      i++;
    }
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      i += triple ? 3 : 1;
      skipTo(triple ? c.repeat(3) : c, c === '"', !triple);
    } else {
      if (c === '[' || c === '{') {
        depth++;
        if (depth > MAX_TOML_DEPTH) {
          return {
            path: '',
            message: `arrays and tables nest more than ${MAX_TOML_DEPTH} levels deep; a task file needs at most 5`,
            line,
            column: i - lineStart + 1,
          };
        }
      } else if ((c === ']' || c === '}') && depth > 0) {
        depth--;
      }
      i++;
    }
  }
  return undefined;
}

/** The first key more than `MAX_TOML_DEPTH` levels below the top (after a bracket check). */
export function keyDepthProblem(program: AST.TOMLProgram): FieldProblem | undefined {
  for (const node of program.body[0].body) {
    if (node.type === 'TOMLKeyValue') {
      const found = keyValueProblem(node, 0);
      if (found !== undefined) return found;
    } else {
      if (node.resolvedKey.length > MAX_TOML_DEPTH) return tooDeep(node);
      for (const keyValue of node.body) {
        const found = keyValueProblem(keyValue, node.resolvedKey.length);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}

function keyValueProblem(node: AST.TOMLKeyValue, depth: number): FieldProblem | undefined {
  const below = depth + node.key.keys.length;
  if (below > MAX_TOML_DEPTH) return tooDeep(node);
  return valueProblem(node.value, below);
}

function valueProblem(node: AST.TOMLContentNode, depth: number): FieldProblem | undefined {
  if (node.type === 'TOMLInlineTable') {
    for (const keyValue of node.body) {
      const found = keyValueProblem(keyValue, depth);
      if (found !== undefined) return found;
    }
  } else if (node.type === 'TOMLArray') {
    if (depth + 1 > MAX_TOML_DEPTH) return tooDeep(node);
    for (const element of node.elements) {
      const found = valueProblem(element, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The message of a key nested too deep (the AST check and the scanner's). */
export const KEYS_TOO_DEEP = `keys nest more than ${MAX_TOML_DEPTH} levels deep; a task file needs at most 5`;

function tooDeep(node: { loc: AST.SourceLocation }): FieldProblem {
  return {
    path: '',
    message: KEYS_TOO_DEEP,
    line: node.loc.start.line,
    column: node.loc.start.column + 1,
  };
}
