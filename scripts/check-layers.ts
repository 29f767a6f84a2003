/**
 * `npm run lint` step: the layers of src/ hold. dependency-cruiser resolves every import (type-only
 * ones included); this script folds them into top-level folders and checks them against
 * `LAYERS`, the one table of which folder may import which. Because the table itself must be a
 * DAG, an allowed import can never close a cycle between folders. Tests (`*.test.ts`) are left
 * out: a test may reach across layers to set up what it checks.
 *
 * Exit 0 when every import is allowed; otherwise each offending import on its own line and exit 1.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cruise } from 'dependency-cruiser';
import { LAYERS } from './layers.js';

export interface FolderImport {
  from: string;
  to: string;
  /** One module-level example, for the message. */
  example: string;
}

/** Folders of the table in an order where each comes after everything it may import, or the cycle. */
export function topologicalOrder(layers: Record<string, readonly string[]>): { order: string[] } | { cycle: string[] } {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (folder: string): string[] | null => {
    if (state.get(folder) === 'done') return null;
    if (state.get(folder) === 'visiting') return [...path.slice(path.indexOf(folder)), folder];
    state.set(folder, 'visiting');
    path.push(folder);
    for (const dep of layers[folder] ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(folder, 'done');
    order.push(folder);
    return null;
  };
  for (const folder of Object.keys(layers)) {
    const cycle = visit(folder);
    if (cycle) return { cycle };
  }
  return { order };
}

/** Imports between folders that the table does not allow (folders missing from it allow nothing). */
export function forbiddenImports(layers: Record<string, readonly string[]>, imports: readonly FolderImport[]): string[] {
  const out: string[] = [];
  for (const i of imports) {
    if (!(i.from in layers)) out.push(`src/${i.from}/ is not in scripts/layers.ts: add it with what it may import`);
    else if (!layers[i.from]!.includes(i.to)) out.push(`src/${i.from}/ may not import src/${i.to}/: ${i.example}`);
  }
  return [...new Set(out)];
}

/**
 * Each folder's README says what the folder may import, on one line starting `May import:` that
 * names the folders in backticks (or says "nothing else in src/"); it must match the table, so
 * the docs cannot drift from what the lint enforces.
 */
export function readmeProblems(folder: string, readme: string | null, allowed: readonly string[]): string[] {
  if (readme === null) return [`src/${folder}/ has no README.md (say what it owns, its vocabulary, and what it may import)`];
  const line = readme.split('\n').findIndex((l) => l.startsWith('May import:'));
  if (line === -1) return [`src/${folder}/README.md has no "May import:" line (scripts/layers.ts allows: ${allowed.join(', ') || 'nothing'})`];
  const rest = readme.split('\n').slice(line).join('\n').split(/\n\s*\n/)[0]!;
  const named = [...rest.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!).sort();
  const want = [...allowed].sort();
  if (named.join(',') === want.join(',')) return [];
  return [`src/${folder}/README.md says it may import ${named.join(', ') || 'nothing'}, but scripts/layers.ts allows ${want.join(', ') || 'nothing'}`];
}

async function folderImports(): Promise<FolderImport[]> {
  const result = await cruise(['src'], { tsPreCompilationDeps: true, exclude: { path: '\\.test\\.ts$' }, doNotFollow: { path: 'node_modules' } });
  if (typeof result.output === 'string') throw new Error('Cannot check layers: dependency-cruiser returned text, not modules');
  const seen = new Map<string, FolderImport>();
  const top = (path: string) => (path.startsWith('src/') && path.split('/').length > 2 ? path.split('/')[1]! : null);
  for (const module of result.output.modules) {
    const from = top(module.source);
    if (from === null) continue;
    for (const dep of module.dependencies) {
      const to = top(dep.resolved);
      if (to === null || to === from) continue;
      const key = `${from}>${to}`;
      if (!seen.has(key)) seen.set(key, { from, to, example: `${module.source} imports ${dep.resolved}` });
    }
  }
  return [...seen.values()];
}

async function main() {
  const sorted = topologicalOrder(LAYERS);
  if ('cycle' in sorted) {
    console.error(`layers: the table in scripts/layers.ts has a cycle: ${sorted.cycle.join(' → ')}`);
    process.exit(1);
  }
  const problems = forbiddenImports(LAYERS, await folderImports());
  for (const folder of readdirSync('src', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    const path = join('src', folder, 'README.md');
    problems.push(...readmeProblems(folder, existsSync(path) ? readFileSync(path, 'utf8') : null, LAYERS[folder] ?? []));
  }
  for (const p of problems) console.error(`layers: ${p}`);
  if (problems.length > 0) process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
