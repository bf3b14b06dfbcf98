/** `svcnet controllers`: the controller manager alone, against any API server. */
import { hostname } from 'node:os';
import { startControllers } from '../controllers/manager.js';
import { flagHelp, parseFlags, untilSignal, type FlagSpec } from './flags.js';

export const controllersFlags = {
  kubeconfig: { type: 'string', default: '', help: 'kubeconfig of the API server (default: $KUBECONFIG, ~/.kube/config, in-cluster)' },
  'lb-pool': { type: 'string', multiple: true, help: 'CIDR or range LoadBalancer Services get addresses from (repeatable)' },
  'hostname-override': { type: 'string', default: '', help: 'host name events are reported from (default: this machine\'s)' },
} satisfies FlagSpec;

export async function runControllers(argv: string[]): Promise<number> {
  const { values, help } = parseFlags(argv, controllersFlags, 'controllers');
  if (help) {
    process.stdout.write(flagHelp('controllers', 'Runs the controllers (deployments, replica sets, scheduler, garbage collector, namespaces, endpoints) against an API server.', controllersFlags));
    return 0;
  }
  const shutdown = untilSignal(); // before starting: see untilSignal
  const manager = await startControllers({
    kubeconfig: (values.kubeconfig as string) || undefined,
    lbPool: (values['lb-pool'] as string[] | undefined) ?? [],
    hostname: (values['hostname-override'] as string) || hostname(),
  });
  process.stdout.write('controllers running\n');
  const sig = await shutdown;
  process.stderr.write(`svcnet controllers: ${sig}, shutting down\n`);
  await manager.stop();
  return 0;
}
