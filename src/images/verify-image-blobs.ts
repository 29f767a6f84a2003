import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Digest, sha256DigestOfFile } from './sha256-digest.js';

export interface OciDescriptor {
  mediaType?: string;
  digest: string;
  size: number;
}

export interface OciManifest {
  config: OciDescriptor;
  layers: OciDescriptor[];
}

export interface BlobCheck {
  /** The parsed manifest, when its blob is present and intact. */
  manifest?: OciManifest;
  /** Digests of blobs that are missing, of the wrong size, or whose content does not hash to their name. */
  bad: string[];
  /** Sum of the layer sizes (compressed), for progress lines. */
  layerBytes: number;
}

const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** Path of a blob in an OCI layout. Only well-formed sha256 digests, so a manifest cannot point outside. */
export function blobPath(layoutDir: string, digest: string): string {
  if (!SHA256.test(digest)) throw new Error(`unsupported or malformed digest "${digest}"`);
  return join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

function isDescriptor(value: unknown): value is OciDescriptor {
  const d = value as OciDescriptor | null;
  return typeof d === 'object' && d !== null && typeof d.digest === 'string' && SHA256.test(d.digest) && typeof d.size === 'number';
}

async function blobIsIntact(layoutDir: string, d: OciDescriptor, hash: boolean): Promise<boolean> {
  const path = blobPath(layoutDir, d.digest);
  try {
    if ((await stat(path)).size !== d.size) return false;
    return !hash || (await sha256DigestOfFile(path)) === d.digest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Checks the manifest, config and layer blobs of one image in the layout against their digests.
 * The manifest and config are always hashed (they are small); layers are hashed when
 * `layers` is "sha256" (before unpacking) and only size-checked when "size" (a cache hit, where
 * the rootfs was unpacked from verified layers already).
 */
export async function verifyImageBlobs(layoutDir: string, manifestDigest: string, layers: 'sha256' | 'size'): Promise<BlobCheck> {
  let raw: Buffer;
  try {
    raw = await readFile(blobPath(layoutDir, manifestDigest));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { bad: [manifestDigest], layerBytes: 0 };
    throw error;
  }
  if (sha256Digest(raw) !== manifestDigest) return { bad: [manifestDigest], layerBytes: 0 };
  let manifest: OciManifest;
  try {
    manifest = JSON.parse(raw.toString('utf8')) as OciManifest;
  } catch {
    return { bad: [manifestDigest], layerBytes: 0 };
  }
  if (!isDescriptor(manifest.config) || !Array.isArray(manifest.layers) || !manifest.layers.every(isDescriptor)) {
    return { bad: [manifestDigest], layerBytes: 0 };
  }
  const bad: string[] = [];
  if (!(await blobIsIntact(layoutDir, manifest.config, true))) bad.push(manifest.config.digest);
  for (const layer of manifest.layers) {
    if (!(await blobIsIntact(layoutDir, layer, layers === 'sha256'))) bad.push(layer.digest);
  }
  return { manifest, bad, layerBytes: manifest.layers.reduce((sum, l) => sum + l.size, 0) };
}
