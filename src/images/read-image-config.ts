import { readFile } from 'node:fs/promises';
import type { OciImageConfig } from './image-provider.js';
import { blobPath } from './verify-image-blobs.js';

/** The runtime-relevant `config` fields of an image configuration blob (verified beforehand). */
export async function readImageConfig(layoutDir: string, configDigest: string): Promise<OciImageConfig> {
  const blob = JSON.parse(await readFile(blobPath(layoutDir, configDigest), 'utf8')) as { config?: Record<string, unknown> | null };
  const c = blob.config ?? {};
  const strings = (v: unknown) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined);
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const config: OciImageConfig = {};
  const entrypoint = strings(c['Entrypoint']);
  const cmd = strings(c['Cmd']);
  const env = strings(c['Env']);
  if (entrypoint) config.Entrypoint = entrypoint;
  if (cmd) config.Cmd = cmd;
  if (env) config.Env = env;
  const workingDir = text(c['WorkingDir']);
  const user = text(c['User']);
  const stopSignal = text(c['StopSignal']);
  if (workingDir) config.WorkingDir = workingDir;
  if (user) config.User = user;
  if (stopSignal) config.StopSignal = stopSignal;
  if (typeof c['ExposedPorts'] === 'object' && c['ExposedPorts'] !== null) config.ExposedPorts = c['ExposedPorts'] as Record<string, object>;
  return config;
}
