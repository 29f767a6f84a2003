import { parse } from 'smol-toml';
import { parseTaskFile } from '../../src/taskfile/parse-task-file.js';
import { hostileShapes } from './hostile-shapes.js';

/**
 * `parseTaskFile` on hostile shapes at the API's 256 KiB limit, against smol-toml's plain parse of
 * the same text in the same run (no schema, no locations). Reports the median of `--runs` runs
 * of each and their ratio; nothing asserts a time.
 *
 *   npx tsx bench/taskfile/run.ts [--size BYTES] [--runs N] [--json]
 */
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const size = option('--size', 256 * 1024);
const runs = option('--runs', 5);

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function timeMs(work: () => void): number {
  const start = performance.now();
  try {
    work();
  } catch {
    // Rejections are the expected outcome for most shapes; what they say is tested elsewhere.
  }
  return performance.now() - start;
}

function outcome(text: string): string {
  try {
    parseTaskFile(text);
    return 'accepted';
  } catch (error) {
    const problems = (error as { problems?: unknown[] }).problems;
    return `rejected (${problems?.length ?? '?'} problems)`;
  }
}

const rows = Object.entries(hostileShapes(size)).map(([shape, text]) => {
  const bubo: number[] = [];
  const smol: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate who goes first so that warm-up and GC do not favour one side.
    if (i % 2 === 0) {
      bubo.push(timeMs(() => parseTaskFile(text)));
      smol.push(timeMs(() => parse(text)));
    } else {
      smol.push(timeMs(() => parse(text)));
      bubo.push(timeMs(() => parseTaskFile(text)));
    }
  }
  const buboMs = median(bubo);
  const smolMs = median(smol);
  return { shape, bytes: text.length, outcome: outcome(text), buboMs, smolMs, ratio: buboMs / Math.max(smolMs, 0.01) };
});

if (args.includes('--json')) {
  console.log(JSON.stringify({ size, runs, rows }, null, 2));
} else {
  console.log(`parseTaskFile vs smol-toml parse, ${size} bytes, median of ${runs} runs`);
  console.log('| shape | outcome | bubo | smol-toml | ratio |\n|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.shape} | ${r.outcome} | ${r.buboMs.toFixed(1)} ms | ${r.smolMs.toFixed(1)} ms | ${r.ratio.toFixed(1)} |`);
  }
}
