/**
 * `svcnet up`: every component in one process. For now the API server; the other components
 * join here as they are built (see the README's "not done yet").
 */
import { startStack, componentNames, type ComponentName, type Stack } from './stack.js';
import { CliError, parseCommand, untilSignal, type FlagSpec } from './flags.js';
import { serverFlags, serverOptionsFromFlags } from './server-command.js';
import { removePidFile, runningPid, writePidFile } from './pidfile.js';

const upFlags = {
  ...serverFlags,
  listen: { type: 'string', default: '0.0.0.0:6443', help: 'HOST:PORT for the API server (all addresses, so pods reach it)' },
  components: { type: 'string', default: componentNames.join(','), help: `components to run besides the API server (${componentNames.join(', ')})` },
  'cluster-cidr': { type: 'string', default: '10.244.0.0/16', help: 'the pod network; each node takes a /24 of it' },
  'cluster-dns': { type: 'string', default: '10.96.0.10', help: 'address of the kube-dns Service that pods resolve names through' },
  'cluster-domain': { type: 'string', default: 'cluster.local', help: 'the cluster DNS domain' },
  'hostname-override': { type: 'string', default: '', help: 'the node name (default: this machine\'s host name)' },
  'node-ip': { type: 'string', default: '', help: 'the node address (default: its first non-loopback IPv4 address)' },
  'http-listen': { type: 'string', default: '0.0.0.0:80', help: 'HOST:PORT of the ingress controller\'s HTTP entry' },
  'https-listen': { type: 'string', default: '0.0.0.0:443', help: 'HOST:PORT of the ingress controller\'s HTTPS entry' },
  'proxy-mode': { type: 'string', default: 'iptables', help: 'how svcnet proxy programs the kernel: iptables or nftables' },
  'lb-pool': { type: 'string', multiple: true, default: '', help: 'CIDR or range LoadBalancer Services take addresses from (repeatable; default: the node\'s addresses)' },
} satisfies FlagSpec;

export async function runUp(argv: string[]): Promise<number> {
  const values = parseCommand(argv, upFlags, 'up', 'Starts the svcnet stack in one process and keeps it running until SIGTERM/SIGINT.');
  if (!values) return 0;
  const shutdown = untilSignal(); // before starting: see untilSignal
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
    clusterCIDR: values['cluster-cidr'] as string,
    clusterDNS: values['cluster-dns'] as string,
    clusterDomain: values['cluster-domain'] as string,
    nodeName: (values['hostname-override'] as string) || undefined,
    nodeIP: (values['node-ip'] as string) || server.advertiseAddress,
    httpListen: values['http-listen'] as string,
    httpsListen: values['https-listen'] as string,
    proxyMode: proxyModeFlag(values['proxy-mode'] as string),
    onReady: (name, summary, ms) => process.stdout.write(`✓ ${name.padEnd(12)} ${summary} (${ms} ms)\n`),
  });
  writePidFile(dataDir);
  process.stdout.write(upSummary(stack, dataDir, Date.now() - started));
  const sig = await shutdown;
  process.stderr.write(`svcnet up: ${sig}, shutting down\n`);
  await stack.stop();
  removePidFile(dataDir);
  return 0;
}

function proxyModeFlag(v: string): 'iptables' | 'nftables' {
  if (v === 'iptables' || v === 'nftables') return v;
  throw new CliError(`up: --proxy-mode must be iptables or nftables (ipvs needs a kernel with IPVS; render it with \`svcnet proxy render --mode ipvs\`), got ${JSON.stringify(v)}`);
}

/** The closing lines of `svcnet up`: where everything is and how to use it. */
function upSummary(stack: Stack, dataDir: string, ms: number): string {
  const { node, dns, ingress, proxyMode } = stack.summary;
  const lines = [
    '',
    `svcnet is up in ${ms} ms. Data dir: ${dataDir}`,
    `  API server:  ${stack.server.url}`,
    `  kubeconfig:  ${stack.server.kubeconfigPath}`,
  ];
  if (node) lines.push(`  node:        ${node.name} at ${node.address}, pods in ${node.podCIDR}`);
  if (dns) lines.push(`  DNS:         ${dns.service} (kube-dns), served on ${dns.listen}`);
  if (ingress) lines.push(`  ingress:     HTTP ${ingress.http}, HTTPS ${ingress.https}`);
  if (proxyMode) lines.push(`  proxy:       ${proxyMode} mode`);
  lines.push('', `  export KUBECONFIG=${stack.server.kubeconfigPath}`, '  kubectl get nodes; svcnet demo runs the walkthrough; svcnet down stops everything', '');
  return lines.join('\n');
}
