import type { ContainerSpec } from '../domain/task-spec.js';
import { RuncSpecError } from './runc-spec-error.js';

/** One secret a container reads as a file: its name, where it reads it, and the value. */
export interface SecretFile {
  name: string;
  /** Absolute path inside the container. */
  path: string;
  value: string;
}

/** A container's secrets split by how it gets them. */
export interface ContainerSecrets {
  /** `file: null` secrets, by name: added to the environment. */
  env: Record<string, string>;
  /** The others: read-only files, and not in the environment. */
  files: SecretFile[];
}

/**
 * The values of the secrets `container` names, split into environment variables and files. Every
 * name must have a value; a missing one is a RuncSpecError that names the container and the
 * secret, never a value (`container "web": secret DB_PASSWORD has no value`). Shared by runc's
 * config.json and the microVM run config, so both deliver the same thing.
 */
export function containerSecrets(container: Pick<ContainerSpec, 'name' | 'secrets'>, values: Readonly<Record<string, string>>): ContainerSecrets {
  const env: Record<string, string> = {};
  const files: SecretFile[] = [];
  for (const { name, file } of container.secrets) {
    // Own properties only: a secret named `constructor` must not find Object.prototype's.
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (typeof value !== 'string') throw new RuncSpecError(`container "${container.name}": secret ${name} has no value`);
    // runc (and execve) refuse a NUL in the environment, and runc's refusal quotes the whole
    // variable: refused here, naming only the secret. A file may hold any bytes.
    if (file === null && value.includes('\u0000')) {
      throw new RuncSpecError(`container "${container.name}": secret ${name} holds a NUL byte, which an environment variable cannot; deliver it as a file ({ name = "${name}", file = "/run/secrets/..." })`);
    }
    if (file === null) env[name] = value;
    else files.push({ name, path: file, value });
  }
  return { env, files };
}
