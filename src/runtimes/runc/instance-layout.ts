import { join } from 'node:path';

/**
 * Where an instance lives under `stateDir`. Container names are DNS labels (no dots), so the
 * instance's own files, which all have a dot, never clash with a container's bundle directory.
 *
 *     instances/<id>/instance.json          what start wrote: containers, address, startedAt
 *     instances/<id>/resolv.conf, hosts.txt bind-mounted read-only into every container
 *     instances/<id>/<c>.log (.1, .2, ...)  the container's stdout+stderr (O_APPEND)
 *     instances/<id>/<c>.runc.log           runc's own errors, JSON lines
 *     instances/<id>/<c>.exit               exit status, written by the shim when the container ends
 *     instances/<id>/<c>.shim.pid           the shim's pid
 *     instances/<id>/<c>/config.json        the OCI bundle (0600: it holds env secrets); rootfs/ = overlay(image, upper/, work/)
 *     instances/<id>/<c>/secrets/<NAME>     a file secret (0400, the container user's), bind-mounted read-only
 */
export class InstanceLayout {
  constructor(
    readonly stateDir: string,
    readonly id: string,
  ) {}

  static instancesDir(stateDir: string): string {
    return join(stateDir, 'instances');
  }

  get dir(): string {
    return join(InstanceLayout.instancesDir(this.stateDir), this.id);
  }
  get record(): string {
    return join(this.dir, 'instance.json');
  }
  get resolvConf(): string {
    return join(this.dir, 'resolv.conf');
  }
  get hosts(): string {
    return join(this.dir, 'hosts.txt');
  }
  bundle(container: string): string {
    return join(this.dir, container);
  }
  config(container: string): string {
    return join(this.dir, container, 'config.json');
  }
  /** In the bundle, not beside it: a `secrets` directory at the top would clash with a container named `secrets`. */
  secretsDir(container: string): string {
    return join(this.dir, container, 'secrets');
  }
  rootfs(container: string): string {
    return join(this.dir, container, 'rootfs');
  }
  upper(container: string): string {
    return join(this.dir, container, 'upper');
  }
  work(container: string): string {
    return join(this.dir, container, 'work');
  }
  log(container: string): string {
    return join(this.dir, `${container}.log`);
  }
  runcLog(container: string): string {
    return join(this.dir, `${container}.runc.log`);
  }
  /** Written by `runc run --pid-file` once the container's process runs. */
  runcPid(container: string): string {
    return join(this.dir, `${container}.runc.pid`);
  }
  exitFile(container: string): string {
    return join(this.dir, `${container}.exit`);
  }
  /** The shim's pid (the shim is found through /proc too: this file may not be written yet). */
  shimPid(container: string): string {
    return join(this.dir, `${container}.shim.pid`);
  }
}
