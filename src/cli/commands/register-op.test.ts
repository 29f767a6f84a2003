import { describe, expect, it } from 'vitest';
import type { OperationPlanView, OperationView } from '../../api/operation-view.js';
import { fakeCliDeps } from '../../../test/support/fake-cli-deps.js';
import { runCli } from '../run-cli.js';

function plan(over: Partial<OperationPlanView> = {}): OperationPlanView {
  return {
    ok: true,
    group: 'web',
    batches: [
      { hosts: ['h1', 'h2'], why: 'shop keeps 2 of 3 serving', moves: [{ app: 'shop', slot: 0, from: 'h1' }, { app: 'api', slot: 1, from: 'h2' }], stops: [] },
      { hosts: ['h3', 'h4'], why: 'db pinned on h3', moves: [], stops: [{ app: 'db', slot: 0, host: 'h3' }] },
    ],
    warnings: ['h4 is cordoned already: it stays cordoned'],
    ...over,
  };
}

function operation(over: Partial<OperationView> = {}): OperationView {
  return {
    id: 'op-1',
    kind: 'maintain',
    status: 'running',
    group: 'web',
    run: 'patch',
    reboot: true,
    pause_after_each_batch: false,
    batches: [
      { hosts: ['h1', 'h2'], why: 'shop keeps 2 of 3 serving', moves: 2, stops: 0 },
      { hosts: ['h3', 'h4'], why: 'db pinned on h3', moves: 0, stops: 1 },
    ],
    warnings: [],
    batch: 1,
    step: 'drain',
    message: 'moving 2 instances',
    pause_requested: false,
    failure: null,
    hosts: [
      { name: 'h1', batch: 1, state: 'active', was_cordoned: false },
      { name: 'h2', batch: 1, state: 'active', was_cordoned: false },
      { name: 'h3', batch: 2, state: 'waiting', was_cordoned: false },
      { name: 'h4', batch: 2, state: 'waiting', was_cordoned: true },
    ],
    log: [{ at: '2024-05-01T11:59:00Z', batch: 1, step: 'drain', message: 'cordoned h1, h2' }],
    created_by: 'admin',
    created_at: '2024-05-01T11:59:00Z',
    updated_at: '2024-05-01T11:59:30Z',
    finished_at: null,
    ...over,
  };
}

const failure = { batch: 1, step: 'run', hosts: ['h2'], message: 'patch exited with 1', output: 'E: dpkg was interrupted\n\u001b[2Jgone\n', at: '2024-05-01T12:01:00Z' };
const paths = (calls: { method: string; path: string }[]) => calls.map((c) => `${c.method} ${c.path}`);

describe('bubo op start', () => {
  it('prints the plan, one row per batch with its moves, stops and why, and with --dry-run starts nothing', async () => {
    const cli = fakeCliDeps({ 'POST /v1/operations/plan': plan() });
    await runCli(['op', 'start', 'maintain', '--group', 'web', '--batch', '2', '--run', 'patch', '--reboot', '--label', 'rack=r1', '--hosts', 'h1,h2,h3,h4', '--drain-deadline', '5m', '--dry-run'], cli.deps);
    expect(cli.exitCode()).toBe(0);
    expect(cli.stdout()).toBe(
      [
        'plan for group web: 2 batch(es), 4 host(s)',
        'BATCH   HOSTS   MOVES           STOPS    WHY',
        '1/2     h1,h2   2 (shop, api)   -        shop keeps 2 of 3 serving',
        '2/2     h3,h4   -               1 (db)   db pinned on h3',
        'warning: h4 is cordoned already: it stays cordoned',
        '',
      ].join('\n'),
    );
    expect(paths(cli.calls)).toEqual(['POST /v1/operations/plan']);
    expect(cli.calls[0]!.body).toEqual({ kind: 'maintain', group: 'web', hosts: ['h1', 'h2', 'h3', 'h4'], labels: { rack: 'r1' }, batch: '2', run: 'patch', reboot: true, drain_deadline: '5m' });
  });

  it('refuses a plan that is not ok with its reason and fix, and starts nothing', async () => {
    const refused = plan({ ok: false, batches: [], warnings: [], reason: 'shop would have 1 serving instance, below its minimum 2', fix: 'raise its count to 3 or use --batch 1' });
    const cli = fakeCliDeps({ 'POST /v1/operations/plan': refused });
    await runCli(['op', 'start', 'maintain', '--group', 'web', '--yes'], cli.deps);
    expect(cli.exitCode()).toBe(1);
    expect(cli.stderr()).toBe('bubo: cannot maintain group web: shop would have 1 serving instance, below its minimum 2; fix: raise its count to 3 or use --batch 1\n');
    expect(paths(cli.calls)).toEqual(['POST /v1/operations/plan']);
  });

  it('refuses without --yes when nobody can answer, after showing the plan, and exits 2', async () => {
    const cli = fakeCliDeps({ 'POST /v1/operations/plan': plan() });
    await runCli(['op', 'start', 'maintain', '--group', 'web'], cli.deps);
    expect(cli.exitCode()).toBe(2);
    expect(cli.stdout()).toContain('plan for group web');
    expect(cli.stderr()).toBe('bubo: refusing to start the operation without confirmation; add --yes\n');
    expect(paths(cli.calls)).toEqual(['POST /v1/operations/plan']);
  });

  it('asks on a terminal and starts nothing when the answer is no', async () => {
    const questions: string[] = [];
    const cli = fakeCliDeps({ 'POST /v1/operations/plan': plan() }, { interactive: true, confirm: async (q) => {
      questions.push(q);
      return false;
    } });
    await runCli(['op', 'start', 'maintain', '--group', 'web'], cli.deps);
    expect(questions).toEqual(['Start this operation? [y/N] ']);
    expect(cli.stderr()).toBe('bubo: the operation was not started\n');
    expect(paths(cli.calls)).toEqual(['POST /v1/operations/plan']);
  });

  it('starts with --yes and says how to follow it', async () => {
    const cli = fakeCliDeps({ 'POST /v1/operations/plan': plan(), 'POST /v1/operations': [201, operation()] });
    await runCli(['op', 'start', 'maintain', '--group', 'web', '--batch', '50%', '--yes'], cli.deps);
    expect(cli.exitCode()).toBe(0);
    expect(paths(cli.calls)).toEqual(['POST /v1/operations/plan', 'POST /v1/operations']);
    expect(cli.calls[1]!.body).toEqual({ kind: 'maintain', group: 'web', batch: '50%' });
    expect(cli.stdout()).toMatch(/\noperation op-1 started \(2 batches\); "bubo op show op-1 -f" follows it\n$/);
  });

  it('refuses a kind other than maintain, listing the kinds, before calling the server', async () => {
    const cli = fakeCliDeps();
    await runCli(['op', 'start', 'patch', '--group', 'web'], cli.deps);
    expect(cli.exitCode()).toBe(2);
    expect(cli.stderr()).toContain('unknown operation kind "patch"; the kinds are: maintain');
    expect(cli.calls).toEqual([]);
  });

  it('with --json prints the plan for --dry-run and only the started operation otherwise', async () => {
    const dry = fakeCliDeps({ 'POST /v1/operations/plan': plan() });
    await runCli(['op', 'start', 'maintain', '--group', 'web', '--dry-run', '--json'], dry.deps);
    expect(JSON.parse(dry.stdout())).toEqual(plan());
    const start = fakeCliDeps({ 'POST /v1/operations/plan': plan(), 'POST /v1/operations': [201, operation()] });
    await runCli(['op', 'start', 'maintain', '--group', 'web', '--yes', '--json'], start.deps);
    expect(JSON.parse(start.stdout())).toEqual(operation());
  });
});

describe('bubo op show', () => {
  it('shows the header, hosts per batch, the failure with its output indented and escaped, the choices and the log', async () => {
    const paused = operation({ status: 'paused', step: 'run', message: 'patch failed on h2', failure, hosts: operation().hosts.map((h) => (h.name === 'h2' ? { ...h, state: 'failed' } : h)) });
    const cli = fakeCliDeps({ 'GET /v1/operations/op-1': paused });
    await runCli(['op', 'show', 'op-1'], cli.deps);
    expect(cli.exitCode()).toBe(0);
    expect(cli.stdout()).toBe(
      [
        'operation op-1: paused,failed',
        'group:    web',
        'does:     run "patch", then reboot',
        'batch:    1/2, step run',
        'message:  patch failed on h2',
        'created:  2024-05-01T11:59:00Z (1m ago) by admin',
        '',
        'BATCH   HOST   STATE',
        '1/2     h1     active',
        '1/2     h2     failed',
        '2/2     h3     waiting',
        '2/2     h4     waiting (was cordoned)',
        '',
        'failed: batch 1/2, step run, on h2: patch exited with 1',
        '  output:',
        '    E: dpkg was interrupted',
        '    \\u001b[2Jgone',
        'choose one:',
        '  bubo op retry op-1   run the failed step again',
        '  bubo op skip op-1    leave the failed hosts out and go on (they are still uncordoned at the end of their batch)',
        '  bubo op abort op-1   end the operation (the hosts of this batch are uncordoned, unless they were cordoned before)',
        '',
        'log:',
        '  2024-05-01T11:59:00Z  batch 1/2  drain  cordoned h1, h2',
        '',
      ].join('\n'),
    );
  });

  it('-f prints each new log line once and exits 1 with the failure and the choices when the operation pauses on it', async () => {
    const log2 = { at: '2024-05-01T12:00:00Z', batch: 1, step: 'run', message: 'running patch on h1, h2' };
    const log3 = { at: '2024-05-01T12:01:00Z', batch: 1, step: 'run', message: 'patch failed on h2' };
    const views = [
      operation(),
      operation({ step: 'run', message: 'running patch', log: [operation().log[0]!, log2] }),
      operation({ step: 'run', message: 'running patch', log: [operation().log[0]!, log2] }),
      operation({ status: 'paused', step: 'run', message: 'patch failed on h2', failure, log: [operation().log[0]!, log2, log3] }),
    ];
    const cli = fakeCliDeps({ 'GET /v1/operations/op-1': () => views.shift() ?? [500, { code: 'internal', message: 'polled too often', details: null }] });
    await runCli(['op', 'show', 'op-1', '-f'], cli.deps);
    const out = cli.stdout();
    expect(out.split('\n').filter((l) => l.includes('running patch on h1, h2'))).toEqual(['2024-05-01T12:00:00Z  batch 1/2  run  running patch on h1, h2']);
    expect(out.split('\n').filter((l) => l.includes('cordoned h1, h2'))).toHaveLength(1);
    expect(out).toContain('batch 1/2, run: running patch\n');
    expect(out).toContain('2024-05-01T12:01:00Z  batch 1/2  run  patch failed on h2\noperation op-1 paused: patch failed on h2\nfailed: batch 1/2, step run, on h2: patch exited with 1\n');
    expect(out).toContain('  bubo op retry op-1 ');
    expect(out).toContain('  bubo op skip op-1 ');
    expect(out).toContain('  bubo op abort op-1 ');
    expect(cli.stderr()).toBe('bubo: operation op-1 is paused on a failure of step run; it waits for retry, skip or abort\n');
    expect(cli.exitCode()).toBe(1);
  });

  it('-f exits 0 when the operation is done, and waits out a lost connection', async () => {
    let polls = 0;
    const cli = fakeCliDeps({
      'GET /v1/operations/op-1': () => {
        polls += 1;
        if (polls === 2) throw new Error('connection refused');
        return polls === 1 ? operation() : operation({ status: 'done', batch: 3, step: 'settle', message: 'all 4 hosts maintained', finished_at: '2024-05-01T12:30:00Z' });
      },
    });
    await runCli(['op', 'show', 'op-1', '-f'], cli.deps);
    expect(cli.exitCode()).toBe(0);
    expect(cli.stdout()).toMatch(/\noperation op-1 done: all 4 hosts maintained\n$/);
    expect(cli.stderr()).toContain('lost the bubo server');
    expect(cli.stderr()).toContain('reconnected to the bubo server\n');
  });

  it('-f says how to go on after a plain pause, and exits 0', async () => {
    const cli = fakeCliDeps({ 'GET /v1/operations/op-1': operation({ status: 'paused', step: 'uncordon', message: 'paused after batch 1' }) });
    await runCli(['op', 'show', 'op-1', '-f'], cli.deps);
    expect(cli.exitCode()).toBe(0);
    expect(cli.stdout()).toContain('paused; "bubo op resume op-1" goes on\n');
  });

  it('-f with --json prints one line per new log entry, then the final view', async () => {
    const log2 = { at: '2024-05-01T12:00:00Z', batch: 1, step: 'run', message: 'running patch' };
    const views = [operation(), operation({ log: [operation().log[0]!, log2] }), operation({ status: 'aborted', log: [operation().log[0]!, log2], finished_at: '2024-05-01T12:02:00Z' })];
    const cli = fakeCliDeps({ 'GET /v1/operations/op-1': () => views.shift() });
    await runCli(['op', 'show', 'op-1', '-f', '--json'], cli.deps);
    const lines = cli.stdout().trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([log2, operation({ status: 'aborted', log: [operation().log[0]!, log2], finished_at: '2024-05-01T12:02:00Z' })]);
    expect(cli.exitCode()).toBe(0);
  });
});

describe('bubo op ls and the actions', () => {
  it('lists operations with status, batch i/n, step, message and age', async () => {
    const done = operation({ id: 'op-0', status: 'done', batch: 3, step: 'settle', message: 'all 4 hosts maintained', created_at: '2024-05-01T10:00:00Z' });
    const cli = fakeCliDeps({ 'GET /v1/operations': { operations: [operation({ pause_requested: true }), done] } });
    await runCli(['op', 'ls'], cli.deps);
    expect(cli.stdout()).toBe(
      [
        'ID     STATUS            GROUP   BATCH   STEP     MESSAGE                  CREATED',
        'op-1   running,pausing   web     1/2     drain    moving 2 instances       1m ago',
        'op-0   done              web     2/2     settle   all 4 hosts maintained   2h ago',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['pause', 'operation op-1 pauses at the next step boundary; "bubo op resume op-1" goes on'],
    ['resume', 'operation op-1 resumes: batch 1/2, step drain'],
    ['abort', 'operation op-1 aborts: the hosts of batch 1/2 are uncordoned, unless they were cordoned before'],
    ['retry', 'operation op-1 retries step drain of batch 1/2'],
    ['skip', 'operation op-1 skips the failed hosts and goes on; they are uncordoned at the end of batch 1/2'],
  ])('%s calls its route and says what happens now', async (action, line) => {
    const cli = fakeCliDeps({ [`POST /v1/operations/op-1/${action}`]: operation() });
    await runCli(['op', action, 'op-1'], cli.deps);
    expect(paths(cli.calls)).toEqual([`POST /v1/operations/op-1/${action}`]);
    expect(cli.stdout()).toBe(`${line}\n`);
  });

  it('with --json prints the API answer of an action and of ls', async () => {
    const cli = fakeCliDeps({ 'POST /v1/operations/op-1/pause': operation({ pause_requested: true }), 'GET /v1/operations': { operations: [] } });
    await runCli(['op', 'pause', 'op-1', '--json'], cli.deps);
    expect(JSON.parse(cli.stdout())).toEqual(operation({ pause_requested: true }));
    const ls = fakeCliDeps({ 'GET /v1/operations': { operations: [] } });
    await runCli(['op', 'ls', '--json'], ls.deps);
    expect(JSON.parse(ls.stdout())).toEqual({ operations: [] });
  });

  it('shows a refused resume as the server says it', async () => {
    const cli = fakeCliDeps({ 'POST /v1/operations/op-1/resume': [409, { code: 'conflict', message: 'operation op-1 waits for retry, skip or abort of its failed step', details: null }] });
    await runCli(['op', 'resume', 'op-1'], cli.deps);
    expect(cli.exitCode()).toBe(1);
    expect(cli.stderr()).toBe('bubo: operation op-1 waits for retry, skip or abort of its failed step\n');
  });
});
