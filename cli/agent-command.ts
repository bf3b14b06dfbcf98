/** `svcnet agent`: the node agent (kubelet) alone, against any API server. */
import { startAgent } from '../agent/index.js';
import { CliError, defaultDataDir, flagHelp, parseFlags, untilSignal, type FlagSpec } from './flags.js';

export const agentFlags = {
  kubeconfig: { type: 'string', default: '', help: 'kubeconfig of the API server (default: $KUBECONFIG, ~/.kube/config)' },
  'hostname-override': { type: 'string', default: '', help: 'node name (default: the host name)' },
  'node-ip': { type: 'string', default: '', help: 'the node\'s InternalIP (default: first non-loopback IPv4 address)' },
  'cluster-cidr': { type: 'string', default: '10.244.0.0/16', help: 'pod range; the node takes the first free /24 of it' },
  'cluster-dns': { type: 'string', default: '10.96.0.10', help: 'DNS server(s) of ClusterFirst pods, comma-separated' },
  'cluster-domain': { type: 'string', default: 'cluster.local', help: 'cluster DNS domain' },
  'kubelet-listen': { type: 'string', default: '0.0.0.0:10250', help: 'HOST:PORT of the kubelet API (logs, exec)' },
  'data-dir': { type: 'string', default: '', help: 'state, logs and images.yaml (root: /var/lib/svcnet)' },
  'sandbox-pool': { type: 'string', default: '', help: 'pod networks kept ready ahead of new pods, 0-200 (default: $SVCNET_AGENT_SANDBOX_POOL, else 32; 0 = none)' },
  'remove-pods-on-exit': { type: 'boolean', default: false, help: 'stop every pod and remove the pod network when exiting' },
} satisfies FlagSpec;

export async function runAgent(argv: string[]): Promise<number> {
  const { values, help } = parseFlags(argv, agentFlags, 'agent');
  if (help) {
    process.stdout.write(flagHelp('agent', 'Runs the node agent: registers the node, runs its pods, serves logs and exec.', agentFlags));
    return 0;
  }
  const str = (k: keyof typeof agentFlags) => (values[k] as string) || undefined;
  const pool = str('sandbox-pool');
  const sandboxPool = pool === undefined ? undefined : Number(pool);
  if (sandboxPool !== undefined && !(Number.isInteger(sandboxPool) && sandboxPool >= 0 && sandboxPool <= 200)) throw new CliError(`agent: --sandbox-pool must be an integer 0-200, got ${JSON.stringify(pool)}`);
  const shutdown = untilSignal(); // before starting: see untilSignal
  const agent = await startAgent({
    kubeconfig: str('kubeconfig'),
    nodeName: str('hostname-override'),
    nodeIP: str('node-ip'),
    clusterCIDR: str('cluster-cidr'),
    clusterDNS: str('cluster-dns'),
    clusterDomain: str('cluster-domain'),
    kubeletListen: str('kubelet-listen'),
    dataDir: str('data-dir') ?? defaultDataDir(),
    sandboxPool,
  });
  process.stdout.write(`agent ready: node ${agent.nodeName}, pod CIDR ${agent.podCIDR}, kubelet API on port ${agent.kubeletPort}\n`);
  const sig = await shutdown;
  process.stderr.write(`svcnet agent: ${sig}, shutting down${values['remove-pods-on-exit'] ? ' and removing pods' : ' (pods keep running)'}\n`);
  await agent.close({ removePods: Boolean(values['remove-pods-on-exit']) });
  return 0;
}
