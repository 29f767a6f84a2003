import type { AgentCaller } from '../api/agent-local.js';
import { ErrorBody } from '../api/error-body.js';
import { DomainError } from '../errors/domain-error.js';
import { type AgentAuth, agentTransport } from './agent-transport.js';
import { ApiError } from './api-error.js';
import { describeNetworkError } from './describe-network-error.js';

/** The server's JSON calls to an agent's listener (volume operations), with the log stream's authentication. */
export function agentCaller(auth: AgentAuth | string): AgentCaller {
  const options: AgentAuth = typeof auth === 'string' ? { token: auth } : auth;
  const transport = agentTransport(options);
  return async ({ agentUrl, hostName, hostAddress, method, path, body, timeoutMs }) => {
    const url = new URL(`${agentUrl.replace(/\/+$/, '')}${path}`);
    const target = transport(url, agentUrl, hostName, hostAddress);
    const what = `${method} ${url.pathname}`;
    const peer = `the agent of host ${hostName} (${agentUrl})`;
    const headers: Record<string, string> = { accept: 'application/json', ...target.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await target.fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new DomainError('timeout', `${peer} did not answer ${what} within ${Math.round(timeoutMs / 1000)} s`);
      throw new DomainError('unreachable', `cannot reach ${peer}: ${describeNetworkError(error)}`);
    }
    const text = await response.text().catch(() => '');
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    if (!response.ok) {
      const error = ErrorBody.safeParse(json);
      if (error.success) throw new ApiError(response.status, error.data.code, error.data.message, error.data.details);
      throw new ApiError(response.status, 'http_error', `${peer} answered ${response.status} ${response.statusText} to ${what}`);
    }
    return json;
  };
}
