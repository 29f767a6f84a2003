import type { CliDeps } from '../../src/cli/cli-deps.js';

export interface FakeCall {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

/** Answers by `METHOD /path` (path with its query string): a body (status 200) or `[status, body]`. */
export type FakeRoutes = Record<string, unknown | ((call: FakeCall) => unknown)>;

export interface FakeCli {
  deps: CliDeps;
  stdout: () => string;
  stderr: () => string;
  exitCode: () => number;
  calls: FakeCall[];
}

/**
 * In-process CLI dependencies for tests: captured output and exit code, a fake `fetch` answering
 * from `routes`, a fixed clock, instant sleeps, no signals. Unmatched requests answer 404.
 */
export function fakeCliDeps(routes: FakeRoutes = {}, overrides: Partial<CliDeps> = {}): FakeCli {
  let out = '';
  let err = '';
  let code = 0;
  const calls: FakeCall[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    const call: FakeCall = {
      method: init?.method ?? 'GET',
      path: url.pathname + url.search,
      authorization: new Headers(init?.headers).get('authorization'),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const key = `${call.method} ${call.path}`;
    let answer = key in routes ? routes[key] : [404, { code: 'not_found', message: `no fake route for ${key}`, details: null }];
    if (typeof answer === 'function') answer = answer(call);
    const [status, body] = Array.isArray(answer) && typeof answer[0] === 'number' ? answer : [200, answer];
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  const deps: CliDeps = {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env: { BUBO_ADDR: 'http://bubo.test', BUBO_TOKEN: 'test-token' },
    cwd: '/work',
    home: '/home/test',
    uid: 1000,
    version: '9.9.9',
    interactive: false,
    readFile: async (path) => {
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    },
    readSecretInput: async () => {
      throw new Error('no stdin in this test');
    },
    writePrivateFile: async () => {
      throw new Error('no files in this test');
    },
    confirm: async () => false,
    sleep: async () => {},
    now: () => Date.parse('2024-05-01T12:00:00Z'),
    setExitCode: (c) => {
      code = c;
    },
    shutdownSignal: () => new AbortController().signal,
    fetch,
    ...overrides,
  };
  return { deps, stdout: () => out, stderr: () => err, exitCode: () => code, calls };
}
