import type { Command } from 'commander';
import type { HostView } from '../../api/host-view.js';
import type { CliDeps } from '../cli-deps.js';
import { formatMib } from '../format-size.js';
import { formatTable } from '../format-table.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { formatCpus, formatOvercommit } from './format-usage.js';

/** `bubo hosts`: every host with its state, allocations and runtimes. */
export function registerHosts(program: Command, deps: CliDeps): void {
  program
    .command('hosts')
    .description('list hosts with their capacity and allocations')
    .action(
      runCommand(deps, async (command) => {
        const client = await openClient(command, deps);
        const body = await client.call('listHosts');
        if (globalOptions(command).json) printJson(deps, body);
        else deps.stdout(body.hosts.length ? formatHosts(body.hosts) + formatRuntimeNotes(body.hosts) : 'no hosts yet; start "bubo agent" on a server\n');
      }),
    );
}

export function formatHosts(hosts: HostView[]): string {
  return formatTable(
    ['NAME', 'GROUP', 'STATUS', 'CPUS', 'MEMORY', 'DISK', 'OVERCOMMIT', 'RUNTIMES'],
    hosts.map((h) => [
      h.name,
      h.group,
      h.cordoned ? `${h.status},cordoned` : h.status,
      formatCpus(h.cpus),
      `${formatMib(h.memory_mib.allocated)}/${formatMib(h.memory_mib.total)}`,
      `${formatMib(h.disk_mib.allocated)}/${formatMib(h.disk_mib.total)}`,
      formatOvercommit(h.overcommit),
      h.runtimes.map((r) => (r.available ? (r.detail ? `${r.name} (${r.detail.split(':')[0]})` : r.name) : `(${r.name})`)).join(', ') || '-',
    ]),
  );
}

/** Under the table: why a runtime is unavailable, or how it runs (qemu under TCG and why). */
export function formatRuntimeNotes(hosts: HostView[]): string {
  const lines = hosts.flatMap((h) =>
    h.runtimes.flatMap((r) => {
      if (!r.available) return [`${h.name}: ${r.name} unavailable: ${r.reason || 'no reason given'}`];
      return r.detail ? [`${h.name}: ${r.name}: ${r.detail}`] : [];
    }),
  );
  return lines.length > 0 ? `\n${lines.join('\n')}\n` : '';
}
