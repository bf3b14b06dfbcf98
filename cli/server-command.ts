/** `svcnet server`: the API server alone. */
import { startApiServer, type ApiServerOptions } from '../api/server/server.js';
import { defaultDataDir, parseCommand, untilSignal, type FlagSpec } from './flags.js';

export const serverFlags = {
  'data-dir': { type: 'string', default: '', help: 'where the store, PKI and kubeconfig live (root: /var/lib/svcnet)' },
  listen: { type: 'string', default: '127.0.0.1:6443', help: 'HOST:PORT to serve HTTPS on' },
  'service-cluster-ip-range': { type: 'string', default: '10.96.0.0/12', help: 'CIDR the Service cluster IPs come from' },
  'service-node-port-range': { type: 'string', default: '30000-32767', help: 'range node ports come from' },
  'advertise-address': { type: 'string', default: '', help: 'address the kubernetes Service points at (default: the node\'s first address)' },
} satisfies FlagSpec;

/** The API server's options from the flags `server` and `up` share. */
export function serverOptionsFromFlags(values: Record<keyof typeof serverFlags, unknown>): ApiServerOptions {
  return {
    dataDir: (values['data-dir'] as string) || defaultDataDir(),
    listen: values.listen as string,
    serviceCIDR: values['service-cluster-ip-range'] as string,
    nodePortRange: values['service-node-port-range'] as string,
    advertiseAddress: (values['advertise-address'] as string) || undefined,
  };
}

export async function runServer(argv: string[]): Promise<number> {
  const values = parseCommand(argv, serverFlags, 'server', 'Runs the Kubernetes API server with its embedded store.');
  if (!values) return 0;
  const shutdown = untilSignal(); // before starting: see untilSignal
  const server = await startApiServer(serverOptionsFromFlags(values));
  process.stdout.write(`API server ready at ${server.url}\nkubeconfig: ${server.kubeconfigPath}\n  export KUBECONFIG=${server.kubeconfigPath}\n`);
  const sig = await shutdown;
  process.stderr.write(`svcnet server: ${sig}, shutting down\n`);
  await server.close();
  return 0;
}
