import type { Assignment } from '../../src/api/agent-protocol.js';
import type { TaskSpec } from '../../src/domain/task-spec.js';
import { parseTaskFile } from '../../src/taskfile/parse-task-file.js';

const BASE = parseTaskFile(`app = "web"
group = "local"
runtime = "container"
[[containers]]
name = "web"
image = "registry.test/web:1"
stop_timeout = "3s"
[[ports]]
name = "http"
port = 80
[deploy]
drain_delay = "1500ms"
`);

/** An assignment of a real, parsed task spec (web, one container, stop timeout 3 s, drain 1.5 s), for agent tests. */
export function testAssignment(id: string, desired: 'run' | 'stop' = 'run', spec: Partial<TaskSpec> = {}): Assignment {
  return { id, app: 'web', namespace: 'default', release: 1, slot: 0, desired, spec: { ...BASE, ...spec }, secrets: {}, volumes: [] };
}

/** An HTTP check on the `http` port, as the parser normalises it. */
export const TEST_HTTP_CHECK: TaskSpec['check'] = { kind: 'http', port: 'http', path: '/', expect: null, command: null, interval_ms: 5_000, timeout_ms: 2_000, healthy_threshold: 1, unhealthy_threshold: 3, grace_period_ms: 0 };
