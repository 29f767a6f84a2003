import type { RunConfig } from './run-config.js';
import { shellQuote, shellQuoteList } from './shell-quote.js';

/** Ext4 labels the guest finds its disks by (at most 16 characters). */
export const CONFIG_DISK_LABEL = 'bubo-config';
export const SCRATCH_DISK_LABEL = 'bubo-scratch';

/** The label of the image disk of `sha256:<hex>`: `bi` + 14 hex digits. */
export function imageDiskLabel(digest: string): string {
  const hex = /^sha256:([0-9a-f]{64})$/.exec(digest)?.[1];
  if (!hex) throw new Error(`not an image digest: ${JSON.stringify(digest)} (expected sha256:<64 hex digits>)`);
  return `bi${hex.slice(0, 14)}`;
}

/**
 * Every file of the config disk, by name. run.json is the canonical form; the rest is the same
 * data for a guest that only has busybox sh (no JSON parser): run.sh for the instance, c<i>.sh
 * per container (sourced; every value single-quoted; C_ENV, C_ARGS and C_SECRET_FILES are quoted
 * word lists for `eval "set -- \"\$@\" $C_ARGS"`), the files bind-mounted into every container's
 * /etc, and one file per file secret (`secretFiles[].file`), its value from `secrets` (by name),
 * which run.json does not carry.
 */
export function guestFiles(config: RunConfig, secrets: Readonly<Record<string, string>> = {}): Record<string, string> {
  const net = config.network;
  const files: Record<string, string> = {
    'run.json': `${JSON.stringify(config, null, 2)}\n`,
    'run.sh': shellAssignments({
      BUBO_RUN_VERSION: String(config.version),
      BUBO_INSTANCE: config.instanceId,
      BUBO_HOSTNAME: config.hostname,
      BUBO_ADDRESS: net?.address ?? '',
      BUBO_GATEWAY: net?.gateway ?? '',
      BUBO_MTU: String(net?.mtu ?? 1500),
      BUBO_CONTAINERS: String(config.containers.length),
      BUBO_IMAGE_LABELS: config.imageDisks.map(imageDiskLabel).join(' '),
      // Pairs: virtio serial, mount point in every container.
      BUBO_VOLUMES: shellQuoteList((config.volumes ?? []).flatMap((v) => [v.serial, v.path])),
    }),
    'resolv.conf': resolvConf(config),
    hosts: hosts(config),
    hostname: `${config.hostname}\n`,
  };
  for (const [i, c] of config.containers.entries()) {
    const [uid, gid] = c.user.split(':');
    files[`c${i}.sh`] = shellAssignments({
      C_NAME: c.name,
      C_IMAGE: String(c.imageDisk),
      C_WORKDIR: c.workdir.startsWith('/') ? c.workdir : `/${c.workdir}`,
      C_UID: uid ?? '0',
      C_GID: gid ?? '0',
      C_RESTART: c.restart,
      C_STOP_MS: String(Math.max(0, Math.round(c.stopTimeoutMs))),
      C_STOP_SIGNAL: stopSignal(c.stopSignal),
      C_ENV: shellQuoteList(c.env),
      C_ARGS: shellQuoteList(c.args),
      // Pairs: config-disk file, path in the container.
      C_SECRET_FILES: shellQuoteList((c.secretFiles ?? []).flatMap((f) => [f.file, f.path])),
    });
    for (const secret of c.secretFiles ?? []) {
      const value = Object.hasOwn(secrets, secret.name) ? secrets[secret.name] : undefined;
      if (typeof value !== 'string') throw new Error(`container "${c.name}": secret ${secret.name} has no value for the config disk`);
      files[secret.file] = value;
    }
  }
  return files;
}

/** `SIGQUIT` → `QUIT` (busybox `kill -s` takes names without SIG, or numbers); anything odd → TERM. */
export function stopSignal(signal: string | undefined): string {
  const name = (signal ?? '').trim().toUpperCase().replace(/^SIG/, '');
  return /^([A-Z][A-Z0-9+-]*|[0-9]{1,2})$/.test(name) ? name : 'TERM';
}

function shellAssignments(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([key, value]) => `${key}=${shellQuote(value)}\n`)
    .join('');
}

function resolvConf(config: RunConfig): string {
  const net = config.network;
  if (!net) return '';
  const search = net.search.length > 0 ? `search ${net.search.join(' ')}\n` : '';
  return `${net.dns.map((ip) => `nameserver ${ip}\n`).join('')}${search}options ndots:1\n`;
}

function hosts(config: RunConfig): string {
  const own = config.network ? `${config.network.address.split('/')[0]}\t${config.hostname}\n` : `127.0.1.1\t${config.hostname}\n`;
  return `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${own}`;
}
