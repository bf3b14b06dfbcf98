/**
 * renderNftablesRules: the `nft -f` transaction kube-proxy v1.32 (nftables mode) runs for a full
 * sync: the whole kube-proxy table, base chains, shared maps refilled from scratch, and every
 * service's chains. Services are written in a stable order (upstream's is Go map order).
 * Incremental (partial-sync) transactions are not rendered here.
 */
import type { ProxyState } from '../model.js';
import type { NftablesRenderConfig } from './config.js';
import { NftTransaction } from './transaction.js';
import { writeSetup } from './setup.js';
import { writeServicePort, type ServiceContext } from './service-rules.js';
import { isAffinitySetName, isServiceChainName, kubeProxyTable } from './names.js';
import { formatMasqueradeMark } from '../traffic-plan.js';

export function renderNftablesRules(state: ProxyState, config: NftablesRenderConfig): string {
  const ipX = state.ipFamily === 6 ? 'ip6' : 'ip';
  const addrType = state.ipFamily === 6 ? 'ipv6_addr' : 'ipv4_addr';
  const tx = new NftTransaction(ipX, kubeProxyTable);
  writeSetup(tx, {
    ipX,
    addrType,
    mark: formatMasqueradeMark(config.masqueradeBit ?? 14, config.markFormat ?? 'go'),
    nodePortIPs: nodePortIPs(config),
    serviceCIDRs: config.serviceCIDRs ?? [],
    firstSync: config.firstSync ?? false,
  });
  const ctx = serviceContext(ipX, addrType, config);
  const activeChains = new Set<string>();
  const activeAffinitySets = new Set<string>();
  for (const entry of state.servicePorts) writeServicePort(entry, ctx, tx, activeChains, activeAffinitySets);
  writeStaleObjects(tx, config, activeChains, activeAffinitySets);
  return tx.text();
}

function serviceContext(ipX: 'ip' | 'ip6', addrType: 'ipv4_addr' | 'ipv6_addr', config: NftablesRenderConfig): ServiceContext {
  const cidr = config.clusterCIDR?.trim();
  return {
    ipX,
    addrType,
    masqueradeAll: config.masqueradeAll ?? false,
    detector: cidr ? { ifLocal: `${ipX} saddr ${cidr}`, ifNotLocal: `${ipX} saddr != ${cidr}` } : undefined,
    primaryNodeIP: config.nodeIPs[0],
    nodeTopology: config.nodeTopology ?? {},
  };
}

/** nftables mode defaults to the primary node IP ("--nodeport-addresses primary"). */
function nodePortIPs(config: NftablesRenderConfig): readonly string[] | undefined {
  if (config.nodePortAddresses === 'all') return undefined;
  return config.nodePortAddresses ?? config.nodeIPs.slice(0, 1);
}

/**
 * Stale service chains are only flushed: kernels before 6.2 notice late that a deleted map element
 * no longer references a chain, so deletion must wait for a later sync (the applier's job).
 * Affinity sets have no such problem and are deleted at once.
 */
function writeStaleObjects(tx: NftTransaction, config: NftablesRenderConfig, chains: ReadonlySet<string>, sets: ReadonlySet<string>): void {
  for (const chain of [...(config.existingChains ?? [])].sort()) {
    if (isServiceChainName(chain) && !chains.has(chain)) tx.flushChain(chain);
  }
  for (const set of [...(config.existingSets ?? [])].sort()) {
    if (isAffinitySetName(set) && !sets.has(set)) tx.deleteSet(set);
  }
}

