import { InvalidRequestError } from '../errors/invalid-request-error.js';

/** Where an image comes from: a distribution registry, or an OCI layout directory on this host. */
export type ImageReference = RegistryImageReference | LayoutImageReference;

export interface RegistryImageReference {
  kind: 'registry';
  /** The reference as the user wrote it. */
  text: string;
  /** `host[:port]`, the key of the agent's `registries` config; `docker.io` when omitted. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export interface LayoutImageReference {
  kind: 'oci-layout';
  text: string;
  path: string;
  tag: string;
}

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Parses `host[:port]/repo[:tag][@sha256:…]` (no host means `docker.io`, no tag means `latest`)
 * or `oci:/path/to/layout:tag`. Throws `InvalidRequestError` saying what is wrong.
 */
export function parseImageReference(text: string): ImageReference {
  const invalid = (why: string) => new InvalidRequestError(`image reference "${text}" is invalid: ${why}`, [{ path: 'image', message: why }]);
  if (text.startsWith('oci:')) {
    const rest = text.slice('oci:'.length);
    const colon = rest.lastIndexOf(':');
    if (colon <= 0) throw invalid('an OCI layout reference needs a tag, e.g. "oci:/srv/images/shop:1.4"');
    const path = rest.slice(0, colon);
    const tag = rest.slice(colon + 1);
    if (!path.startsWith('/')) throw invalid('the OCI layout path must be absolute');
    if (path.includes(':')) throw invalid('the OCI layout path must not contain ":" (skopeo cannot address it)');
    if (!TAG.test(tag)) throw invalid(`"${tag}" is not a valid tag`);
    return { kind: 'oci-layout', text, path, tag };
  }
  let name = text;
  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid('the digest must be "sha256:" followed by 64 lowercase hex digits');
  }
  let tag: string | undefined;
  const lastColon = name.lastIndexOf(':');
  if (lastColon > name.lastIndexOf('/')) {
    tag = name.slice(lastColon + 1);
    name = name.slice(0, lastColon);
    if (!TAG.test(tag)) throw invalid(`"${tag}" is not a valid tag`);
  }
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = hasHost ? first : 'docker.io';
  let repository = hasHost ? name.slice(slash + 1) : name;
  if (!hasHost && !repository.includes('/')) repository = `library/${repository}`;
  if (!REPOSITORY.test(repository)) throw invalid(`"${repository}" is not a valid repository name (lowercase letters, digits, ".", "_", "-" and "/")`);
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { kind: 'registry', text, registry, repository, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/**
 * The skopeo transport reference for `ref`; `pinnedDigest` replaces the tag so that a copy fetches
 * exactly the manifest that was resolved (a tag may move between resolving and copying).
 * Skopeo rejects "repo:tag@digest", so a digest always wins over the tag.
 */
export function skopeoTransportRef(ref: ImageReference, pinnedDigest?: string): string {
  if (ref.kind === 'oci-layout') return `oci:${ref.path}:${ref.tag}`;
  const digest = pinnedDigest ?? ref.digest;
  const base = `docker://${ref.registry}/${ref.repository}`;
  return digest ? `${base}@${digest}` : `${base}:${ref.tag ?? 'latest'}`;
}
