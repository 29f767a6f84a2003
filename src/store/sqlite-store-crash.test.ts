import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const STORE_MODULE = pathToFileURL(join(REPO_ROOT, 'src/store/sqlite-store.ts')).href;

const COMMITTED_BATCHES = 3;
const ROWS_PER_BATCH = 1000;
// Larger than the page cache, so SQLite spills uncommitted pages into the WAL before the kill and
// recovery must discard frames that were written, not merely find nothing to undo.
const UNCOMMITTED_ROWS = 50_000;

/**
 * The child commits three batches in separate transactions, then opens a fourth, writes into it,
 * says `ready` from inside it and waits to be killed.
 */
const CHILD = `
import { openSqliteStore } from ${JSON.stringify(STORE_MODULE)};
const now = 1_764_000_000_123;
const instance = (id, slot) => ({ id, appId: 'default/web', release: 1, hostId: 'host-a', slot, desired: 'run', state: 'pending', address: null, message: '', health: 'none', healthMessage: '', createdAt: now, updatedAt: now });
const store = await openSqliteStore(process.argv[2]);
await store.insertApp({ id: 'default/web', namespace: 'default', name: 'web', group: 'g', count: 1, stopped: false, destroying: false, release: null, overProvision: false, createdAt: now, updatedAt: now });
for (let b = 0; b < ${COMMITTED_BATCHES}; b++) {
  await store.transaction(async (tx) => {
    await tx.insertInstances(Array.from({ length: ${ROWS_PER_BATCH} }, (_, n) => instance('c-' + b + '-' + n, b * ${ROWS_PER_BATCH} + n)));
    await tx.incrementCounter('batches');
  });
}
await store.transaction(async (tx) => {
  await tx.insertInstances(Array.from({ length: ${UNCOMMITTED_ROWS} }, (_, n) => instance('u-' + n, ${COMMITTED_BATCHES * ROWS_PER_BATCH} + n)));
  await tx.appendEvents([{ at: now, actor: 'system', kind: 'never.committed', appId: null, hostId: null, message: '', data: {} }]);
  await tx.incrementCounter('batches');
  process.stdout.write('ready\\n');
  setInterval(() => {}, 1000);
  await new Promise(() => {});
});
`;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-store-crash-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runUntilReadyThenKill(script: string, dbPath: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, dbPath], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolvePromise(signal);
      else reject(new Error(`crash child exited with code ${code} before it was killed:\n${stderr}`));
    });
  });
}

it('keeps every committed row and nothing of the transaction a SIGKILL interrupted', async () => {
  const script = join(dir, 'crash-child.mts');
  const dbPath = join(dir, 'bubo.db');
  await writeFile(script, CHILD);

  expect(await runUntilReadyThenKill(script, dbPath)).toBe('SIGKILL');

  const store = await openSqliteStore(dbPath);
  try {
    const instances = await store.listInstances({ appId: 'default/web' });
    expect(instances).toHaveLength(COMMITTED_BATCHES * ROWS_PER_BATCH);
    expect(instances.every((i) => i.id.startsWith('c-'))).toBe(true);
    expect(await store.getCounter('batches')).toBe(COMMITTED_BATCHES);
    expect(await store.listEvents()).toStrictEqual([]);
  } finally {
    await store.close();
  }
}, 60_000);
