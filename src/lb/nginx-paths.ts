import { join } from 'node:path';

/** Every file a private nginx instance uses; all under the lb state directory, none in /etc or /var. */
export interface NginxPaths {
  /** Passed as `-p`; relative paths in nginx.conf would resolve against it (we write only absolute ones). */
  prefix: string;
  /** The live configuration (`-c`). */
  conf: string;
  /** Where a candidate configuration is written and checked before it replaces `conf`. */
  nextConf: string;
  /** SHA-256 of the configuration the master is known to serve (written after each confirmed start or reload). */
  servedHash: string;
  pidFile: string;
  errorLog: string;
  /** Parent of the client body / proxy / fastcgi / uwsgi / scgi temp directories. */
  tempDir: string;
}

export function nginxPaths(stateDir: string): NginxPaths {
  return {
    prefix: `${stateDir.replace(/\/+$/, '')}/`,
    conf: join(stateDir, 'nginx.conf'),
    nextConf: join(stateDir, 'nginx.conf.next'),
    servedHash: join(stateDir, 'nginx.conf.served-sha256'),
    pidFile: join(stateDir, 'nginx.pid'),
    errorLog: join(stateDir, 'logs', 'error.log'),
    tempDir: join(stateDir, 'temp'),
  };
}
