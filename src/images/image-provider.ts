/**
 * What runtimes need from the image cache: a pulled, verified, unpacked image. The rootfs is
 * shared read-only by every instance of the same digest; runtimes add their own writable layer.
 */
export interface ImageProvider {
  /**
   * Pulls (or finds in the cache) `reference` — `registry/repo:tag`, `registry/repo@sha256:…`, or
   * `oci:/path/to/layout:tag` — and returns it unpacked. Concurrent calls for the same image
   * share one pull.
   */
  pull(reference: string, options?: PullOptions): Promise<PulledImage>;
}

export interface PullOptions {
  signal?: AbortSignal;
  /** A line of progress for long pulls ("pulling shop:1.4.2: 3/5 layers, 41 MiB"). */
  onProgress?: (line: string) => void;
}

export interface PulledImage {
  reference: string;
  /** Digest of the linux/amd64 image manifest (`sha256:…`); what a release records. */
  digest: string;
  /** Unpacked root filesystem; never written to. */
  rootfs: string;
  config: OciImageConfig;
}

/** The `config` part of an OCI image configuration. */
export interface OciImageConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object>;
  StopSignal?: string;
}
