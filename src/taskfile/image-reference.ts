/** An OCI image reference split into its parts. */
export interface ImageReference {
  /** `registry.internal:5000`, or null for the default registry (`redis:7.2`). */
  registry: string | null;
  /** Path inside the registry, e.g. `shop` or `library/redis`. */
  repository: string;
  tag: string | null;
  /** `sha256:<64 hex>`. */
  digest: string | null;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:localhost|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::\d{1,5})?$/;

/**
 * Parses `[registry[:port]/]repository[:tag][@sha256:<hex>]`. bubo requires a tag or a digest,
 * so that a release always names the same image (`latest` is allowed but is the user's choice).
 * The first path component is a registry when it contains `.` or `:` or is `localhost`, as
 * Docker decides it; so in `registry.internal:5000/shop` the `:5000` is a port, not a tag.
 *
 * @throws {Error} with a message that names the reference and says how to fix it.
 */
export function parseImageReference(reference: string): ImageReference {
  const fail = (why: string): never => {
    throw new Error(`image "${reference}" ${why}`);
  };
  if (reference === '') fail('is empty; write e.g. "redis:7.2"');
  if (/\s/.test(reference)) fail('contains whitespace');

  let rest = reference;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(`has a malformed digest "${digest}"; write "@sha256:" and 64 lowercase hex digits`);
  }

  let registry: string | null = null;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
      if (!HOST.test(registry)) fail(`has a malformed registry host "${registry}"`);
    }
  }

  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon !== -1 && !rest.slice(colon).includes('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`has a malformed tag "${tag}"; tags are letters, digits, "_", "." and "-"`);
  }

  const repository = rest;
  if (repository === '') fail('has no repository name');
  for (const component of repository.split('/')) {
    if (!COMPONENT.test(component)) {
      fail(
        component.toLowerCase() !== component
          ? 'has an upper-case repository name; repository names are lower case'
          : `has a malformed repository name "${repository}"`,
      );
    }
  }
  if (tag === null && digest === null) {
    fail(`needs a tag or digest, e.g. "${reference}:1.0"`);
  }
  return { registry, repository, tag, digest };
}
