import { FakeRuntime } from '../../src/runtimes/fake/fake-runtime.js';
import { conformanceStartRequest } from './conformance-request.js';
import { describeRuntimeConformance } from './runtime-conformance.js';

const NO_PROCESSES = 'a fake runs no processes';

/**
 * The fake runtime against the shared cases: what it promises about its bookkeeping (states,
 * addresses, idempotent stop). What only real processes can prove is skipped, with why.
 */
describeRuntimeConformance(
  'fake',
  async () => {
    const runtime = new FakeRuntime();
    return {
      runtime,
      probe: 'available',
      networked: true,
      makeRequest: (request) => conformanceStartRequest(request, { kind: 'microvm', image: 'test/busybox:1', missingImage: 'test/missing:1' }),
      // The fake's only "outside kill": its crash fault, which the agent's tests rely on.
      killFromOutside: async (id) => runtime.crash(id),
      afterOutsideKill: 'exited',
      cleanup: async () => {},
    };
  },
  {
    skip: {
      're-adoption': 'the fake keeps its instances in memory: there is no state for a new object to adopt',
      exec: `${NO_PROCESSES}: exec answers are injected with setExec`,
      secrets: `${NO_PROCESSES} and has no file systems: nothing receives a secret`,
      'start-missing-secret': 'the fake checks nothing of the spec: failing starts are injected with failStarts',
      logs: `${NO_PROCESSES}: output is injected with output.append`,
      'isolated-files': `${NO_PROCESSES} and has no file systems`,
      'start-unknown-image': 'the fake pulls no images: failing starts are injected with failStarts',
      'start-bad-entrypoint': `${NO_PROCESSES}: failing starts are injected with failStarts`,
      'restart-on-failure': `${NO_PROCESSES} and applies no restart policy`,
      'stop-graceful': `${NO_PROCESSES}: there is nothing to send SIGTERM to`,
    },
    timeoutMs: 10_000,
  },
);
