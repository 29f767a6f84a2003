import { randomBytes } from 'node:crypto';
import type { ApiClient } from '../client/api-client.js';
import type { TaskSpec } from '../domain/task-spec.js';

/**
 * `bubo up` runs task files as written on a laptop: a secret a task names that its namespace does
 * not have yet gets a random value (32 bytes, base64url), so the demo's Redis password and any
 * app's session key work at once. The log names each one, never its value; `bubo secret set NAME`
 * then `bubo restart APP` replaces it. Only `bubo up` does this: a server's deploy refuses a
 * task whose secrets are missing. Returns the names it set.
 */
export async function ensureUpSecrets(client: ApiClient, spec: TaskSpec, log: (line: string) => void): Promise<string[]> {
  const wanted = [...new Set(spec.containers.flatMap((c) => c.secrets.map((s) => s.name)))];
  if (wanted.length === 0) return [];
  const { secrets } = await client.call('listSecrets', { query: { namespace: spec.namespace } });
  const have = new Set(secrets.map((s) => s.name));
  const generated: string[] = [];
  for (const name of wanted) {
    if (have.has(name)) continue;
    await client.call('setSecret', { params: { namespace: spec.namespace, name }, body: { value: randomBytes(32).toString('base64url') } });
    generated.push(name);
  }
  if (generated.length > 0) {
    log(
      `set ${generated.length === 1 ? 'a random value for secret' : 'random values for secrets'} ${generated.join(', ')} of namespace ${spec.namespace} (${spec.app} names ${generated.length === 1 ? 'it' : 'them'}); ` +
        `your own: "bubo secret set NAME -n ${spec.namespace}" then "bubo restart ${spec.app} -n ${spec.namespace}"`,
    );
  }
  return generated;
}
