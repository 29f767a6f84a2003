import type { Command } from 'commander';

/** Options of the `bubo` program that every command accepts. */
export interface GlobalOptions {
  addr?: string;
  token?: string;
  /** `--ca-file`: the cluster CA certificate for an `https://` address. */
  caFile?: string;
  json: boolean;
  /** Unset when the user did not pass `-n`; commands about one app default to `default`. */
  namespace?: string;
  /** Directory of a `bubo up` to talk to (default ./.bubo when it holds one). */
  dir?: string;
}

export function globalOptions(command: Command): GlobalOptions {
  const o = command.optsWithGlobals<Partial<GlobalOptions>>();
  return {
    json: Boolean(o.json),
    ...(o.addr === undefined ? {} : { addr: o.addr }),
    ...(o.token === undefined ? {} : { token: o.token }),
    ...(o.caFile === undefined ? {} : { caFile: o.caFile }),
    ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
    ...(o.dir === undefined ? {} : { dir: o.dir }),
  };
}
