import type { ImageReference } from './image-reference.js';

export interface SkopeoFailure {
  /** For a human: what went wrong and, where it helps, what to do. */
  reason: string;
  /** Worth retrying with backoff (the registry may come back); false for answers that will not change. */
  transient: boolean;
  /** The reason is a complete sentence naming the image ("image … not found in the registry"). */
  wholeMessage: boolean;
}

/** The `msg="…"` of skopeo's fatal log line, unescaped; the whole stderr when there is none. */
function skopeoMessage(stderr: string): string {
  const match = /msg="((?:[^"\\]|\\.)*)"/.exec(stderr);
  const text = match?.[1] ? match[1].replace(/\\n/g, ' ').replace(/\\t/g, ' ').replace(/\\(.)/g, '$1') : stderr;
  return text.replace(/\s+/g, ' ').trim();
}

/** Turns skopeo's stderr into a reason a user can act on. Pure; table-tested. */
export function classifySkopeoFailure(stderr: string, ref: ImageReference): SkopeoFailure {
  const msg = skopeoMessage(stderr);
  const fail = (reason: string, transient = false, wholeMessage = false): SkopeoFailure => ({ reason, transient, wholeMessage });
  if (ref.kind === 'oci-layout') {
    if (/no descriptor found for reference/.test(msg)) return fail(`image ${ref.text} not found: the OCI layout ${ref.path} has no tag "${ref.tag}"`, false, true);
    if (/index\.json: no such file or directory/.test(msg)) return fail(`${ref.path} is not an OCI layout (no index.json)`);
    return fail(msg || 'skopeo failed without a message');
  }
  const host = ref.registry;
  if (/manifest unknown|name unknown|NAME_UNKNOWN|MANIFEST_UNKNOWN/i.test(msg)) return fail(`image ${ref.text} not found in the registry`, false, true);
  if (/connection refused/.test(msg)) return fail(`cannot reach registry ${host}: connection refused`, true);
  if (/no such host/.test(msg)) return fail(`cannot reach registry ${host}: unknown host`, true);
  const network = /(i\/o timeout|TLS handshake timeout|context deadline exceeded|connection reset by peer|no route to host|network is unreachable|unexpected EOF|: EOF\b)/.exec(msg);
  if (network) return fail(`cannot reach registry ${host}: ${network[1]}`, true);
  if (/server gave HTTP response to HTTPS client/.test(msg)) {
    return fail(`registry ${host} speaks plain HTTP, not HTTPS; set "insecure: true" for it in the agent's registries config`);
  }
  if (/x509:|certificate/.test(msg)) {
    return fail(`the TLS certificate of registry ${host} is not trusted (${msg.slice(Math.max(msg.indexOf('x509'), 0))}); install its CA or set "insecure: true" for it`);
  }
  if (/unauthorized|authentication required|denied|status 401|status 403/i.test(msg)) {
    return fail(`registry ${host} refused access (unauthorized); check the credentials for ${host} in the agent's registries config`);
  }
  const status = /(?:status|HTTP status:?) (5\d\d|429)\b/.exec(msg);
  if (status) return fail(`registry ${host} answered HTTP ${status[1]}`, true);
  return fail(msg || 'skopeo failed without a message');
}
