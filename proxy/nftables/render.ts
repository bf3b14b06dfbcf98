/**
 * renderNftablesRules: the `nft -f` transaction kube-proxy v1.32 (nftables mode) runs for a full
 * sync: the whole kube-proxy table, base chains, shared maps refilled from scratch, and every
 * service's chains. Services are written in a stable order (upstream's is Go map order), each as
 * its own fragment (fragments.ts) so that partial syncs (partial.ts) can compare them one by one.
 */
import { groupByService, type ProxyState } from '../model.js';
import type { NftablesRenderConfig } from './config.js';
import { NftTransaction } from './transaction.js';
import { writeSetup } from './setup.js';
import type { ServiceContext } from './service-rules.js';
import { renderServiceFragment, type NftServiceFragment } from './fragments.js';
import { isAffinitySetName, isServiceChainName, kubeProxyTable } from './names.js';
import { formatMasqueradeMark } from '../traffic-plan.js';

export function renderNftablesRules(state: ProxyState, config: NftablesRenderConfig): string {
  return renderNftablesSync(state, config).text;
}

/** A rendered full sync: the transaction, and what the table holds once it is applied. */
export interface NftablesSync {
  readonly text: string;
  readonly applied: AppliedNftables;
  /** Service chains and affinity sets the table has after it (stale ones are flushed, not gone). */
  readonly activeChains: ReadonlySet<string>;
  readonly activeSets: ReadonlySet<string>;
}

/** The Services' rules as last applied, kept so that the next partial sync sends only what changed. */
export interface AppliedNftables {
  /** The settings the rules were rendered with; a partial sync needs the same. */
  readonly contextKey: string;
  /** Per Service ("ns/name"). */
  readonly fragments: ReadonlyMap<string, NftServiceFragment>;
}

export function renderNftablesSync(state: ProxyState, config: NftablesRenderConfig): NftablesSync {
  const ipX = state.ipFamily === 6 ? 'ip6' : 'ip';
  const tx = new NftTransaction(ipX, kubeProxyTable);
  writeSetup(tx, {
    ipX,
    addrType: addrTypeOf(ipX),
    mark: formatMasqueradeMark(config.masqueradeBit ?? 14, config.markFormat ?? 'go'),
    nodePortIPs: nodePortIPs(config),
    serviceCIDRs: config.serviceCIDRs ?? [],
    firstSync: config.firstSync ?? false,
  });
  const ctx = serviceContext(ipX, config);
  const fragments = new Map<string, NftServiceFragment>();
  const activeChains = new Set<string>();
  const activeSets = new Set<string>();
  for (const [key, entries] of groupByService(state.servicePorts)) {
    const fragment = renderServiceFragment(entries, ctx);
    fragments.set(key, fragment);
    tx.appendLines(fragment.lines);
    for (const chain of fragment.chains.keys()) activeChains.add(chain);
    for (const set of fragment.sets.keys()) activeSets.add(set);
  }
  writeStaleObjects(tx, config, activeChains, activeSets);
  return { text: tx.text(), applied: { contextKey: nftablesContextKey(state, config), fragments }, activeChains, activeSets };
}

/** Everything besides the Services that decides the table; partial syncs need it unchanged. */
export function nftablesContextKey(state: ProxyState, config: NftablesRenderConfig): string {
  const { firstSync: _first, existingChains: _chains, existingSets: _sets, ...settings } = config;
  return JSON.stringify({ ipFamily: state.ipFamily, settings });
}

function addrTypeOf(ipX: 'ip' | 'ip6'): 'ipv4_addr' | 'ipv6_addr' {
  return ipX === 'ip6' ? 'ipv6_addr' : 'ipv4_addr';
}

export function serviceContext(ipX: 'ip' | 'ip6', config: NftablesRenderConfig): ServiceContext {
  const cidr = config.clusterCIDR?.trim();
  return {
    ipX,
    addrType: addrTypeOf(ipX),
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

