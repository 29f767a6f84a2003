import { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { registerAgent } from './commands/register-agent.js';
import { registerUp } from './commands/register-up.js';
import { registerAudit } from './commands/register-audit.js';
import { registerDeploy } from './commands/register-deploy.js';
import { registerLogin } from './commands/register-login.js';
import { registerToken } from './commands/register-token.js';
import { registerDestroy } from './commands/register-destroy.js';
import { registerDns } from './commands/register-dns.js';
import { registerEvents } from './commands/register-events.js';
import { registerGroups } from './commands/register-groups.js';
import { registerHost } from './commands/register-host.js';
import { registerHosts } from './commands/register-hosts.js';
import { registerKit } from './commands/register-kit.js';
import { registerLogs } from './commands/register-logs.js';
import { registerOp } from './commands/register-op.js';
import { registerReleases } from './commands/register-releases.js';
import { registerRollback } from './commands/register-rollback.js';
import { registerRestart } from './commands/register-restart.js';
import { registerScale } from './commands/register-scale.js';
import { registerSecret } from './commands/register-secret.js';
import { registerVolume } from './commands/register-volume.js';
import { registerBackups } from './commands/register-backups.js';
import { registerServer } from './commands/register-server.js';
import { registerStatus } from './commands/register-status.js';
import { registerStop } from './commands/register-stop.js';
import { registerValidate } from './commands/register-validate.js';

/**
 * The `bubo` command line, with no process-level side effects: output, exit code, files and
 * signals all go through `deps`. Commander never exits the process (`exitOverride`); `runCli`
 * turns its usage errors into exit code 2.
 */
export function buildProgram(deps: CliDeps, argv: readonly string[] = []): Command {
  const json = argv.includes('--json');
  const program = new Command('bubo')
    .description('bubo: an on-premises simple cloud')
    .version(deps.version, '-V, --version', 'print the bubo version')
    .option('--addr <addr>', 'server address, host:port or URL (env BUBO_ADDR; default 127.0.0.1:7070)')
    .option('--token <token>', 'API token (env BUBO_TOKEN or BUBO_TOKEN_FILE; default: the local admin token)')
    .option('--ca-file <path>', 'the cluster CA certificate (STATE_DIR/pki/ca.crt) for an https:// --addr (env BUBO_CA_FILE)')
    .option('--json', 'print the API answer as JSON')
    .option('-n, --namespace <namespace>', 'namespace of APP arguments (default "default")')
    .option('--dir <dir>', 'talk to the bubo up running from this directory (default ./.bubo when present)')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => deps.stdout(text),
      writeErr: (text) => deps.stderr(text),
      outputError: (text, write) => {
        const message = text.trim().replace(/^error: /, '');
        if (json) deps.stdout(`${JSON.stringify({ error: { code: 'usage', message, details: null } }, null, 2)}\n`);
        else write(`bubo: ${message}\n`);
      },
    });
  for (const register of [
    registerUp,
    registerServer,
    registerAgent,
    registerValidate,
    registerDeploy,
    registerStatus,
    registerHosts,
    registerGroups,
    registerScale,
    registerStop,
    registerDestroy,
    registerReleases,
    registerRollback,
    registerRestart,
    registerSecret,
    registerVolume,
    registerBackups,
    registerHost,
    registerOp,
    registerEvents,
    registerAudit,
    registerToken,
    registerLogin,
    registerLogs,
    registerKit,
    registerDns,
  ]) {
    register(program, deps);
  }
  return program;
}
