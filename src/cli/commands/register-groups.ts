import type { Command } from 'commander';
import type { GroupView } from '../../api/group-view.js';
import type { CliDeps } from '../cli-deps.js';
import { formatMib } from '../format-size.js';
import { formatTable } from '../format-table.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { formatCpus, formatOvercommit } from './format-usage.js';

/** `bubo groups`: capacity of every host group (ready, uncordoned hosts). */
export function registerGroups(program: Command, deps: CliDeps): void {
  program
    .command('groups')
    .description('list host groups with their capacity')
    .action(
      runCommand(deps, async (command) => {
        const client = await openClient(command, deps);
        const body = await client.call('listGroups');
        if (globalOptions(command).json) printJson(deps, body);
        else deps.stdout(body.groups.length ? formatGroups(body.groups) : 'no groups yet; a group appears when its first host registers\n');
      }),
    );
}

export function formatGroups(groups: GroupView[]): string {
  return formatTable(
    ['NAME', 'HOSTS', 'CPUS', 'MEMORY', 'DISK', 'OVERCOMMIT'],
    groups.map((g) => [
      g.name,
      `${g.ready_hosts}/${g.hosts} ready${g.cordoned_hosts ? `, ${g.cordoned_hosts} cordoned` : ''}`,
      formatCpus(g.cpus),
      `${formatMib(g.memory_mib.allocated)}/${formatMib(g.memory_mib.total)}`,
      `${formatMib(g.disk_mib.allocated)}/${formatMib(g.disk_mib.total)}`,
      formatOvercommit(g.overcommit),
    ]),
  );
}
