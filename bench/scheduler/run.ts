import { parseArgs } from 'node:util';
import { runInMemoryBench, type ScenarioResult } from './run-in-memory-bench.js';
import { runPersistedBench } from './run-persisted-bench.js';

// npx tsx bench/scheduler/run.ts [--instances N] [--hosts M] [--seed S] [--json] [--no-persist]
const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '1000000' },
    hosts: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    'no-persist': { type: 'boolean', default: false },
  },
});

const positive = (name: string, raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return n;
};

const instances = positive('instances', values.instances);
const hosts = positive('hosts', values.hosts);
const inMemory = runInMemoryBench({ instances, hosts, seed: Number(values.seed) });
// The target: 1,000,000 instances on 10,000 hosts, persisted, in under two minutes.
const persisted = values['no-persist'] ? null : await runPersistedBench({ instances, hosts, seed: Number(values.seed) });
const result = { ...inMemory, persisted, targetMs: 120_000 };

if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const line = (r: ScenarioResult) =>
    `${r.name.padEnd(18)} ${String(r.instances).padStart(9)} instances on ${r.hosts} hosts  ${r.ms.toFixed(0).padStart(7)} ms  ${r.placementsPerSecond.toLocaleString('en-US').padStart(12)} placements/s`;
  console.log('scheduler, in memory');
  console.log(line(result.oneApp));
  console.log(line(result.hundredApps));
  console.log(line(result.naive));
  console.log(`heap vs naive linear scan: ${result.speedup.toFixed(0)}× faster`);
  if (persisted) {
    console.log('scheduler + SQLite store (file, WAL, synchronous=FULL, one transaction)');
    console.log(
      `persisted          ${String(persisted.instances).padStart(9)} instances on ${persisted.hosts} hosts  ${persisted.totalMs.toFixed(0).padStart(7)} ms  ${persisted.placementsPerSecond.toLocaleString('en-US').padStart(12)} placements/s  (schedule ${persisted.scheduleMs.toFixed(0)} ms, persist ${persisted.persistMs.toFixed(0)} ms)`,
    );
    console.log(`vs target of 2 minutes: ${(persisted.totalMs / result.targetMs).toFixed(3)} of the budget`);
  }
}
