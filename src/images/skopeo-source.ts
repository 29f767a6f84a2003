/** How skopeo reaches an image source; shared by the inspect and copy argv builders. */
export interface SkopeoSource {
  /** A skopeo transport reference: `docker://host/repo@sha256:…` or `oci:/path:tag`. */
  transportRef: string;
  /** Registry sources only: `false` allows plain HTTP and unverified certificates. */
  tlsVerify?: boolean;
  /**
   * Registry sources only: a 0600 `auth.json` holding the credentials, so they never appear in an
   * argv (argvs are logged and visible in /proc). Without it the registry is accessed anonymously.
   */
  authFile?: string;
}

/** `prefix` is "--src-" for `skopeo copy` and "--" for `skopeo inspect`. */
export function skopeoSourceFlags(source: SkopeoSource, prefix: '--src-' | '--'): string[] {
  if (!source.transportRef.startsWith('docker://')) return [];
  return [
    ...(source.tlsVerify === false ? [`${prefix}tls-verify=false`] : []),
    ...(source.authFile ? [`${prefix}authfile`, source.authFile] : [`${prefix}no-creds`]),
  ];
}

/** Skopeo's global flags: a multi-platform index always resolves to the image this host runs. */
export const SKOPEO_PLATFORM_FLAGS = ['--override-os', 'linux', '--override-arch', 'amd64'] as const;
