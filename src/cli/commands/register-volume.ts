import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { escapeTerminal } from '../escape-terminal.js';
import { formatMib } from '../format-size.js';
import { formatTable } from '../format-table.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';
import { parseAppRef } from '../parse-app-ref.js';

export interface VolumeRef {
  namespace: string;
  app: string;
  name: string;
  slot: number;
}

/** `APP/NAME[/SLOT]` or `NAMESPACE/APP/NAME/SLOT`; the slot defaults to 0 (a single-instance database). */
export function parseVolumeRef(arg: string, namespace = 'default'): VolumeRef {
  const parts = arg.split('/');
  const bad = () =>
    new UsageError(`"${arg}" is not a volume; write APP/NAME[/SLOT] or NAMESPACE/APP/NAME/SLOT, e.g. postgres/data or default/postgres/data/0 (see "bubo volume ls")`);
  if (parts.some((p) => p === '')) throw bad();
  let ref: { namespace: string; app: string; name: string; slot: string };
  if (parts.length === 2) ref = { namespace, app: parts[0]!, name: parts[1]!, slot: '0' };
  else if (parts.length === 3) ref = { namespace, app: parts[0]!, name: parts[1]!, slot: parts[2]! };
  else if (parts.length === 4) ref = { namespace: parts[0]!, app: parts[1]!, name: parts[2]!, slot: parts[3]! };
  else throw bad();
  if (!/^\d{1,4}$/.test(ref.slot)) throw bad();
  return { ...ref, slot: Number(ref.slot) };
}

const show = (v: VolumeRef) => `${v.namespace}/${v.app}/${v.name}/${v.slot}`;

/** `bubo volume ls|rm|snapshot|snapshots|restore|backup`: the data of stateful apps, on their hosts. */
export function registerVolume(program: Command, deps: CliDeps): void {
  const volume = program.command('volume').description('volumes: the data of an app slot, kept on one host across deploys, restarts and host maintenance');
  volume
    .command('ls')
    .description('list volumes: host, size, used, and the instance on each')
    .argument('[app]', 'only this app (APP or NAMESPACE/APP)')
    .action(
      runCommand(deps, async (command, app?: string) => {
        const { json, namespace } = globalOptions(command);
        const ref = app === undefined ? undefined : parseAppRef(app, namespace);
        const query = ref ? { namespace: ref.namespace, app: ref.app } : namespace === undefined ? {} : { namespace };
        const body = await (await openClient(command, deps)).call('listVolumes', { query });
        if (json) return printJson(deps, body);
        if (body.volumes.length === 0) return deps.stdout('no volumes; a task file asks for one with [[volumes]] (see docs/volumes.md)\n');
        deps.stdout(
          formatTable(
            ['VOLUME', 'HOST', 'SIZE', 'USED', 'INSTANCE'],
            body.volumes.map((v) => [
              `${v.namespace}/${v.app}/${v.name}/${v.slot}`,
              escapeTerminal(v.host),
              formatMib(v.size_mib),
              v.used_mib === null ? '?' : formatMib(v.used_mib),
              v.instance ? `${v.instance.id} (${v.instance.state})` : '-',
            ]),
          ),
        );
      }),
    );
  volume
    .command('rm')
    .description('delete a volume and its data on its host (refused while an instance uses it; "bubo destroy" keeps volumes)')
    .argument('<volume>', 'APP/NAME[/SLOT] or NAMESPACE/APP/NAME/SLOT')
    .action(
      runCommand(deps, async (command, arg: string) => {
        const { json, namespace } = globalOptions(command);
        const ref = parseVolumeRef(arg, namespace);
        const removed = await (await openClient(command, deps)).call('removeVolume', { params: ref });
        if (json) return printJson(deps, removed);
        deps.stdout(`volume ${show(ref)} removed from host ${escapeTerminal(removed.host)}; its data is gone\n`);
      }),
    );
  volume
    .command('snapshot')
    .description('take a point-in-time snapshot of a volume on its host (its filesystem is frozen for the copy; the instance keeps running)')
    .argument('<volume>', 'APP/NAME[/SLOT] or NAMESPACE/APP/NAME/SLOT')
    .option('--name <name>', 'snapshot name (default: the time, e.g. 20261203T101500Z)')
    .action(
      runCommand(deps, async (command, arg: string) => {
        const { json, namespace } = globalOptions(command);
        const { name } = command.opts<{ name?: string }>();
        const ref = parseVolumeRef(arg, namespace);
        const view = await (await openClient(command, deps)).call('snapshotVolume', { params: ref, body: name === undefined ? {} : { name } });
        if (json) return printJson(deps, view);
        deps.stdout(`snapshot ${view.name} of volume ${show(ref)} taken; restore it with "bubo volume restore ${show(ref)} --snapshot ${view.name}"\n`);
      }),
    );
  volume
    .command('snapshots')
    .description('list the snapshots of a volume')
    .argument('<volume>', 'APP/NAME[/SLOT] or NAMESPACE/APP/NAME/SLOT')
    .action(
      runCommand(deps, async (command, arg: string) => {
        const { json, namespace } = globalOptions(command);
        const ref = parseVolumeRef(arg, namespace);
        const body = await (await openClient(command, deps)).call('listSnapshots', { params: ref });
        if (json) return printJson(deps, body);
        deps.stdout(body.snapshots.length === 0 ? `volume ${show(ref)} has no snapshots\n` : `${body.snapshots.join('\n')}\n`);
      }),
    );
  volume
    .command('restore')
    .description('replace a volume\'s data with a snapshot or a backup archive (stop the app first: refused while an instance uses the volume)')
    .argument('<volume>', 'APP/NAME[/SLOT] or NAMESPACE/APP/NAME/SLOT')
    .option('--snapshot <name>', 'a snapshot of this volume')
    .option('--archive <path>', 'an archive made by "bubo volume backup", a path on the volume\'s host; its checksum is verified before anything changes')
    .action(
      runCommand(deps, async (command, arg: string) => {
        const { json, namespace } = globalOptions(command);
        const { snapshot, archive } = command.opts<{ snapshot?: string; archive?: string }>();
        if ((snapshot === undefined) === (archive === undefined)) throw new UsageError('give exactly one of --snapshot NAME and --archive PATH');
        const ref = parseVolumeRef(arg, namespace);
        const body = snapshot !== undefined ? { snapshot } : { archive: archive! };
        const done = await (await openClient(command, deps)).call('restoreVolume', { params: ref, body });
        if (json) return printJson(deps, done);
        deps.stdout(`volume ${show(ref)} restored from ${escapeTerminal(done.from)}; start the app again with "bubo scale" or a deploy\n`);
      }),
    );
  volume
    .command('backup')
    .description('write a compressed, checksummed archive of a volume (from a fresh snapshot) to a directory on its host')
    .argument('<volume>', 'APP/NAME[/SLOT] or NAMESPACE/APP/NAME/SLOT')
    .requiredOption('--to <dir>', 'absolute directory on the volume\'s host (created if missing), or sftp://[user@]host[:port]/dir (sent from the host; see docs/volumes.md)')
    .action(
      runCommand(deps, async (command, arg: string) => {
        const { json, namespace } = globalOptions(command);
        const { to } = command.opts<{ to: string }>();
        const ref = parseVolumeRef(arg, namespace);
        const view = await (await openClient(command, deps)).call('backupVolume', { params: ref, body: { to } });
        if (json) return printJson(deps, view);
        deps.stdout(`backup of volume ${show(ref)} written on host ${escapeTerminal(view.host)}: ${escapeTerminal(view.archive)} (${view.bytes} bytes, sha256 ${view.sha256})\n`);
      }),
    );
}
