/**
 * `svcnet up`: every component in one process. For now the API server; the other components
 * join here as they are built (see the README's "not done yet").
 */
import { startStack, componentNames, type ComponentName } from './stack.js';
import { CliError, parseCommand, untilSignal, type FlagSpec } from './flags.js';
import { serverFlags, serverOptionsFromFlags } from './server-command.js';
import { removePidFile, runningPid, writePidFile } from './pidfile.js';

const upFlags = {
  ...serverFlags,
  listen: { type: 'string', default: '0.0.0.0:6443', help: 'HOST:PORT for the API server (all addresses, so pods reach it)' },
  components: { type: 'string', default: componentNames.join(','), help: `components to run besides the API server (${componentNames.join(', ')})` },
  'lb-pool': { type: 'string', multiple: true, default: '', help: 'CIDR or range LoadBalancer Services take addresses from (repeatable; default: the node\'s addresses)' },
} satisfies FlagSpec;

export async function runUp(argv: string[]): Promise<number> {
  const values = parseCommand(argv, upFlags, 'up', 'Starts the svcnet stack in one process and keeps it running until SIGTERM/SIGINT.');
  if (!values) return 0;
  const started = Date.now();
  const server = serverOptionsFromFlags(values);
  const dataDir = server.dataDir;
  const other = runningPid(dataDir);
  if (other) throw new CliError(`svcnet is already running for ${dataDir} (pid ${other}); stop it with \`svcnet down\``);
  const wanted = String(values.components).split(',').map((c) => c.trim()).filter(Boolean);
  const unknown = wanted.filter((c) => !(componentNames as readonly string[]).includes(c));
  if (unknown.length) throw new CliError(`up: unknown component(s) ${unknown.join(', ')}; choose from ${componentNames.join(', ')}`);
  const stack = await startStack({
    server,
    components: new Set(wanted as ComponentName[]),
    lbPool: (values['lb-pool'] as string[]) ?? [],
    onReady: (name, summary, ms) => process.stdout.write(`✓ ${name.padEnd(12)} ${summary} (${ms} ms)\n`),
  });
  writePidFile(dataDir);
  process.stdout.write(
    [
      '',
      `svcnet is up in ${Date.now() - started} ms. Data dir: ${dataDir}`,
      `  API server:  ${stack.server.url}`,
      `  kubeconfig:  ${stack.server.kubeconfigPath}`,
      `  export KUBECONFIG=${stack.server.kubeconfigPath}`,
      '',
    ].join('\n'),
  );
  const sig = await untilSignal();
  process.stderr.write(`svcnet up: ${sig}, shutting down\n`);
  await stack.stop();
  removePidFile(dataDir);
  return 0;
}
