import type { AppLogLine } from '../api/app-log-line.js';
import type { Host } from '../domain/host.js';
import type { Instance, InstanceState } from '../domain/instance.js';
import { DomainError } from '../errors/domain-error.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { AgentLogOpener } from '../logs/agent-log-opener.js';
import { mergeAsyncIterables } from '../logs/merge-async-iterables.js';
import { parseDurationMs } from '../taskfile/parse-duration.js';
import type { CoreContext } from './core-context.js';
import { findApp } from './find-app.js';

export interface AppLogsInput {
  namespace: string;
  app: string;
  /** Only this instance (any state: a failed instance's output is often the point). */
  instance?: string | undefined;
  follow: boolean;
  tailLines?: number | undefined;
  /** A duration (`10m`): only lines written since then, as exactly as each runtime can tell. */
  since?: string | undefined;
  /** The client went away: every agent stream is closed. */
  signal: AbortSignal;
}

/** Instances whose host has (or is about to have) their output. */
const STREAMED: readonly InstanceState[] = ['starting', 'running', 'stopping'];

/**
 * `bubo logs`: the output of an app's instances, read from their hosts' agents and merged as it
 * comes, each line stamped with its instance. Failures of the app or the query reject before
 * anything is streamed; a host that cannot be read becomes one `{instance, error}` line, and the
 * other instances stream on.
 */
export async function streamAppLogs(ctx: CoreContext, input: AppLogsInput, open: AgentLogOpener): Promise<AsyncIterable<AppLogLine>> {
  const sinceMs = input.since === undefined ? undefined : ctx.now() - parseSince(input.since);
  const app = await findApp(ctx.store, input.namespace, input.app);
  const instances = await ctx.store.listInstances({ appId: app.id });
  const chosen = input.instance === undefined ? instances.filter((i) => STREAMED.includes(i.state)) : instances.filter((i) => i.id === input.instance);
  if (input.instance !== undefined && chosen.length === 0) {
    throw new NotFoundError('instance', input.instance, `see "bubo status ${input.namespace}/${input.app}" for its instances`);
  }
  const hosts = new Map((await ctx.store.listHosts()).map((h) => [h.id, h]));
  const streams = new AbortController();
  const stop = () => streams.abort();
  input.signal.addEventListener('abort', stop, { once: true });
  const request = { follow: input.follow, tailLines: input.tailLines, sinceMs, signal: streams.signal };
  const sources = chosen.map((instance) => instanceLines(instance, hosts.get(instance.hostId), request, open));
  return (async function* () {
    try {
      yield* mergeAsyncIterables(sources);
    } finally {
      input.signal.removeEventListener('abort', stop);
      stop();
    }
  })();
}

async function* instanceLines(
  instance: Instance,
  host: Host | undefined,
  request: { follow: boolean; tailLines: number | undefined; sinceMs: number | undefined; signal: AbortSignal },
  open: AgentLogOpener,
): AsyncGenerator<AppLogLine> {
  const hostName = host?.name ?? instance.hostId;
  if (!host?.agentUrl) {
    yield { instance: instance.id, error: `host ${hostName} has no agent listener to read logs from (an older agent, or its --agent-listen port was taken)` };
    return;
  }
  try {
    const lines = await open({ agentUrl: host.agentUrl, hostName: host.name, hostAddress: host.address, instanceId: instance.id, ...request });
    for await (const { container, line, at } of lines) yield { instance: instance.id, container, line, at };
  } catch (error) {
    if (request.signal.aborted) return;
    yield { instance: instance.id, error: describeFailure(error, instance.id, hostName) };
  }
}

function describeFailure(error: unknown, instance: string, host: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DomainError && error.code === 'not_found') return `instance ${instance} is not on host ${host} (not started yet, or already removed)`;
  if (error instanceof DomainError && (error.code === 'unreachable' || error.code === 'timeout')) return `host ${host} unreachable: ${message}`;
  return `host ${host}: ${message}`;
}

function parseSince(since: string): number {
  try {
    return parseDurationMs(since);
  } catch (error) {
    const message = (error as Error).message;
    throw new InvalidRequestError(`since: ${message}`, [{ path: 'query.since', message }]);
  }
}
