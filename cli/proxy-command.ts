/**
 * `svcnet proxy`: kube-proxy alone (iptables or nftables mode), `svcnet proxy --cleanup` to remove
 * its rules, and `svcnet proxy render` to print what a sync would apply without changing anything.
 */
import { loadConnection } from '../client/kubeconfig.js';
import { ApiClient } from '../client/rest.js';
import { SvcnetError } from '../common/errors.js';
import { cleanupProxyRules, renderProxyRules, startProxy, type ProxyMode } from '../proxy/runtime/index.js';
import { CliError, flagHelp, parseFlags, untilSignal, type FlagSpec } from './flags.js';

const common = {
  kubeconfig: { type: 'string', default: '', help: 'kubeconfig of the API server to watch (default: $KUBECONFIG, ~/.kube/config, in-cluster)' },
  mode: { type: 'string', default: 'iptables', help: 'iptables, nftables or ipvs (ipvs needs a kernel with IPVS; render prints the table anyway)' },
  'hostname-override': { type: 'string', default: '', help: 'this node\'s name (default: the host name)' },
  'cluster-cidr': { type: 'string', default: '', help: 'pod network CIDR; traffic from outside it to a cluster IP is masqueraded' },
} satisfies FlagSpec;

export const proxyFlags = {
  ...common,
  cleanup: { type: 'boolean', default: false, help: 'remove every rule the proxy made (iptables chains and jumps, the nftables table) and exit' },
  'healthz-bind-address': { type: 'string', default: '0.0.0.0:10256', help: 'HOST:PORT of /healthz and /livez ("" = off)' },
  'metrics-bind-address': { type: 'string', default: '127.0.0.1:10249', help: 'HOST:PORT of /metrics ("" = off)' },
  'min-sync-period': { type: 'string', default: '1s', help: 'least time between two syncs (kube-proxy --iptables-min-sync-period)' },
  'sync-period': { type: 'string', default: '30s', help: 'periodic check that the rules are still there (kube-proxy --iptables-sync-period)' },
  'nft-netlink': { type: 'string', default: 'auto', help: 'nftables mode: auto sends partial syncs as nf_tables netlink batches when the addon is built (proxy/netlink), off sends every sync through nft -f' },
} satisfies FlagSpec;

export const renderFlags = common;

/** `out` receives what the command prints (tests pass their own). */
export async function runProxy(argv: string[], out: { write(text: string): unknown } = process.stdout): Promise<number> {
  if (argv[0] === 'render') return runRender(argv.slice(1), out);
  const { values, help } = parseFlags(argv, proxyFlags, 'proxy');
  if (help) {
    out.write(flagHelp('proxy', 'Programs Services into the kernel as kube-proxy does (iptables or nftables mode). `svcnet proxy render --help` for the dry run.', proxyFlags));
    return 0;
  }
  if (values.cleanup) {
    await cleanupProxyRules();
    out.write('svcnet proxy: removed iptables chains and jump rules and the nftables kube-proxy table\n');
    return 0;
  }
  const shutdown = untilSignal(); // before starting: see untilSignal
  let proxy;
  try {
    proxy = await startProxy({
      kubeconfig: (values.kubeconfig as string) || undefined,
      mode: modeFlag(values.mode),
      nodeName: (values['hostname-override'] as string) || undefined,
      clusterCIDR: (values['cluster-cidr'] as string) || undefined,
      healthzListen: values['healthz-bind-address'] as string,
      metricsListen: values['metrics-bind-address'] as string,
      minSyncPeriodMs: durationMs(values['min-sync-period'], 'min-sync-period'),
      syncPeriodMs: durationMs(values['sync-period'], 'sync-period'),
      nftNetlink: nftNetlinkFlag(values['nft-netlink']),
    });
  } catch (err) {
    if (err instanceof SvcnetError && err.code === 'IpvsUnavailable') throw new CliError(err.message);
    throw err;
  }
  out.write(`svcnet proxy running in ${proxy.mode} mode${proxy.ports.healthz ? ` (healthz :${proxy.ports.healthz})` : ''}\n`);
  const sig = await shutdown;
  process.stderr.write(`svcnet proxy: ${sig}, shutting down (rules stay in place; --cleanup removes them)\n`);
  await proxy.close();
  return 0;
}

async function runRender(argv: string[], out: { write(text: string): unknown }): Promise<number> {
  const { values, help } = parseFlags(argv, renderFlags, 'proxy render');
  if (help) {
    out.write(flagHelp('proxy render', 'Prints exactly what a full sync would apply (iptables-restore input, nft transaction, or the ipvsadm -Ln table); changes nothing.', renderFlags));
    return 0;
  }
  const client = new ApiClient(await loadConnection({ path: (values.kubeconfig as string) || undefined }));
  const text = await renderProxyRules(client, {
    mode: modeFlag(values.mode),
    nodeName: (values['hostname-override'] as string) || undefined,
    clusterCIDR: (values['cluster-cidr'] as string) || undefined,
  });
  out.write(text);
  return 0;
}

function nftNetlinkFlag(v: unknown): boolean {
  if (v === 'auto' || v === 'off') return v === 'auto';
  throw new CliError(`proxy: --nft-netlink must be auto or off, got ${JSON.stringify(v)}`);
}

function modeFlag(v: unknown): ProxyMode {
  if (v === 'iptables' || v === 'nftables' || v === 'ipvs') return v;
  throw new CliError(`proxy: --mode must be iptables, nftables or ipvs, got ${JSON.stringify(v)}`);
}

/** Go-style durations as kube-proxy takes them: "1s", "250ms", "1m30s", "0". */
export function durationMs(v: unknown, flag: string): number {
  const text = String(v);
  if (text === '0') return 0;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = text;
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (!m) throw new CliError(`proxy: --${flag} must be a duration such as 1s or 250ms, got ${JSON.stringify(text)}`);
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}
