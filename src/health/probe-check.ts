import type { CheckSpec, TaskSpec } from '../domain/task-spec.js';
import { probeExec } from './probe-exec.js';
import { probeHttp } from './probe-http.js';
import { probeTcp } from './probe-tcp.js';
import type { Prober } from './prober.js';

/** The one prober the monitor uses: dispatches on the check's kind. */
export const probeCheck: Prober = async (target, check, signal) => {
  switch (check.kind) {
    case 'exec':
      return probeExec(target.runtime, target.id, check.command ?? [], check.timeout_ms, signal);
    case 'http':
    case 'tcp': {
      const port = checkPort(target.spec, check);
      if (typeof port === 'string') return { ok: false, message: port };
      if (!target.address) return { ok: false, message: `instance ${target.id} has no address to check` };
      return check.kind === 'http' ? probeHttp(target.address, port, check, signal) : probeTcp(target.address, port, check.timeout_ms, signal);
    }
  }
};

/** The port number a http/tcp check targets, or why there is none (the parser rejects such files). */
export function checkPort(spec: Pick<TaskSpec, 'ports'>, check: Pick<CheckSpec, 'kind' | 'port'>): number | string {
  const declared = spec.ports.find((p) => p.name === check.port);
  if (declared) return declared.port;
  return check.port === null ? `the ${check.kind} check names no port` : `the ${check.kind} check names port "${check.port}", which [[ports]] does not declare`;
}
