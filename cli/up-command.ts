/**
 * `svcnet up`: every component in one process. For now the API server; the other components
 * join here as they are built (see the README's "not done yet").
 */
import { startApiServer } from '../api/server/server.js';
import { defaultDataDir, flagHelp, parseFlags, untilSignal, type FlagSpec } from './flags.js';
import { serverFlags } from './server-command.js';
import { removePidFile, runningPid, writePidFile } from './pidfile.js';
import { CliError } from './flags.js';

const upFlags = {
  ...serverFlags,
  listen: { type: 'string', default: '0.0.0.0:6443', help: 'HOST:PORT for the API server (all addresses, so pods reach it)' },
} satisfies FlagSpec;

export async function runUp(argv: string[]): Promise<number> {
  const { values, help } = parseFlags(argv, upFlags, 'up');
  if (help) {
    process.stdout.write(flagHelp('up', 'Starts the svcnet stack in one process and keeps it running until SIGTERM/SIGINT.', upFlags));
    return 0;
  }
  const started = Date.now();
  const dataDir = (values['data-dir'] as string) || defaultDataDir();
  const other = runningPid(dataDir);
  if (other) throw new CliError(`svcnet is already running for ${dataDir} (pid ${other}); stop it with \`svcnet down\``);
  process.stdout.write('starting API server…\n');
  const server = await startApiServer({
    dataDir,
    listen: values.listen as string,
    serviceCIDR: values['service-cluster-ip-range'] as string,
    nodePortRange: values['service-node-port-range'] as string,
    advertiseAddress: (values['advertise-address'] as string) || undefined,
  });
  process.stdout.write(
    [
      `✓ API server        ${server.url}`,
      '',
      `svcnet is up (${Date.now() - started} ms). Data dir: ${dataDir}`,
      `  export KUBECONFIG=${server.kubeconfigPath}`,
      '  kubectl get namespaces',
      '',
    ].join('\n'),
  );
  writePidFile(dataDir);
  const sig = await untilSignal();
  process.stderr.write(`svcnet up: ${sig}, shutting down\n`);
  await server.close();
  removePidFile(dataDir);
  return 0;
}
