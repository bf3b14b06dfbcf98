/**
 * The fixed part of the kube-proxy table, written on every full sync (setupNFTables): base chains
 * hooked into netfilter, the helper chains they jump to, and the shared sets and maps (flushed,
 * then refilled by the per-service part).
 */
import type { NftTransaction } from './transaction.js';
import * as n from './names.js';

export interface SetupContext {
  readonly ipX: 'ip' | 'ip6';
  readonly addrType: 'ipv4_addr' | 'ipv6_addr';
  readonly mark: string;
  /** Undefined means NodePorts on every local address except loopback. */
  readonly nodePortIPs: readonly string[] | undefined;
  readonly serviceCIDRs: readonly string[];
  readonly firstSync: boolean;
}

// Filter chains run before DNAT (dstnat = -100) so they see the original destination.
const baseChains = [
  { name: n.filterPreroutingChain, type: 'filter', hook: 'prerouting', priority: -110 },
  { name: n.filterInputChain, type: 'filter', hook: 'input', priority: -110 },
  { name: n.filterForwardChain, type: 'filter', hook: 'forward', priority: -110 },
  { name: n.filterOutputChain, type: 'filter', hook: 'output', priority: -110 },
  { name: n.filterOutputPostDNATChain, type: 'filter', hook: 'output', priority: -90 },
  { name: n.natPreroutingChain, type: 'nat', hook: 'prerouting', priority: -100 },
  { name: n.natOutputChain, type: 'nat', hook: 'output', priority: -100 },
  { name: n.natPostroutingChain, type: 'nat', hook: 'postrouting', priority: 100 },
] as const;

// reject is only valid in input/forward/output hooks before kernel 5.9, hence no prerouting jump.
const jumpChains = [
  { dst: n.nodePortEndpointsCheckChain, src: n.filterInputChain, extra: 'ct state new' },
  { dst: n.serviceEndpointsCheckChain, src: n.filterInputChain, extra: 'ct state new' },
  { dst: n.serviceEndpointsCheckChain, src: n.filterForwardChain, extra: 'ct state new' },
  { dst: n.serviceEndpointsCheckChain, src: n.filterOutputChain, extra: 'ct state new' },
  { dst: n.firewallCheckChain, src: n.filterPreroutingChain, extra: 'ct state new' },
  { dst: n.firewallCheckChain, src: n.filterOutputChain, extra: 'ct state new' },
  { dst: n.servicesChain, src: n.natOutputChain, extra: '' },
  { dst: n.servicesChain, src: n.natPreroutingChain, extra: '' },
  { dst: n.masqueradingChain, src: n.natPostroutingChain, extra: '' },
  { dst: n.clusterIPsCheckChain, src: n.filterForwardChain, extra: 'ct state new' },
  { dst: n.clusterIPsCheckChain, src: n.filterOutputPostDNATChain, extra: 'ct state new' },
] as const;

/** Adds and flushes a regular chain once per transaction (a second flush would drop new rules). */
export function ensureChain(tx: NftTransaction, chain: string, created: Set<string>): void {
  if (created.has(chain)) return;
  created.add(chain);
  tx.addChain(chain);
  tx.flushChain(chain);
}

export function writeSetup(tx: NftTransaction, ctx: SetupContext): void {
  tx.addTable('rules for kube-proxy');
  if (ctx.firstSync) {
    for (const bc of baseChains) {
      tx.addChain(bc.name);
      tx.deleteChain(bc.name);
    }
  }
  for (const bc of baseChains) {
    tx.addChain(bc.name, { type: bc.type, hook: bc.hook, priority: bc.priority });
    tx.flushChain(bc.name);
  }
  const created = new Set<string>();
  for (const j of jumpChains) {
    ensureChain(tx, j.dst, created);
    tx.addRule(j.src, [j.extra, 'jump', j.dst].filter(Boolean).join(' '));
  }
  for (const chain of [n.servicesChain, n.clusterIPsCheckChain, n.masqueradingChain, n.markMasqChain]) ensureChain(tx, chain, created);
  writeMasquerading(tx, ctx);
  writeClusterIPsCheck(tx, ctx);
  writeNodePortIPs(tx, ctx);
  writeNoEndpointHandling(tx, ctx);
  writeFirewallCheck(tx, ctx, created);
  writeServiceDispatch(tx, ctx);
  for (const set of [n.clusterIPsSet]) tx.flushSet(set);
  for (const map of [n.serviceIPsMap, n.firewallIPsMap, n.noEndpointServicesMap, n.noEndpointNodePortsMap, n.serviceNodePortsMap]) tx.flushMap(map);
}

function writeMasquerading(tx: NftTransaction, ctx: SetupContext): void {
  tx.addRule(n.markMasqChain, `mark set mark or ${ctx.mark}`);
  tx.addRule(n.masqueradingChain, `mark and ${ctx.mark} == 0 return`);
  // Clear the mark so a packet re-traversing the stack is not masqueraded twice.
  tx.addRule(n.masqueradingChain, `mark set mark xor ${ctx.mark}`);
  tx.addRule(n.masqueradingChain, 'masquerade fully-random');
}

/** New traffic to a ClusterIP that no service port DNATed: reject (so ping fails fast), or drop. */
function writeClusterIPsCheck(tx: NftTransaction, ctx: SetupContext): void {
  tx.addSet(n.clusterIPsSet, { type: ctx.addrType, comment: 'Active ClusterIPs' });
  tx.addRule(n.clusterIPsCheckChain, `${ctx.ipX} daddr @${n.clusterIPsSet} reject`, 'Reject traffic to invalid ports of ClusterIPs');
  if (ctx.serviceCIDRs.length > 0) {
    tx.addRule(n.clusterIPsCheckChain, `${ctx.ipX} daddr { ${ctx.serviceCIDRs.join(',')} } drop`, 'Drop traffic to unallocated ClusterIPs');
  }
}

/** "add" then "delete" when matching all: a bare delete would fail if the set did not exist. */
function writeNodePortIPs(tx: NftTransaction, ctx: SetupContext): void {
  tx.addSet(n.nodePortIPsSet, { type: ctx.addrType, comment: 'IPs that accept NodePort traffic' });
  if (ctx.nodePortIPs === undefined) {
    tx.deleteSet(n.nodePortIPsSet);
    return;
  }
  tx.flushSet(n.nodePortIPsSet);
  for (const ip of ctx.nodePortIPs) tx.addElement(n.nodePortIPsSet, { key: [ip] });
}

function writeNoEndpointHandling(tx: NftTransaction, ctx: SetupContext): void {
  tx.addMap(n.noEndpointServicesMap, { type: `${ctx.addrType} . inet_proto . inet_service : verdict`, comment: 'vmap to drop or reject packets to services with no endpoints' });
  tx.addMap(n.noEndpointNodePortsMap, { type: 'inet_proto . inet_service : verdict', comment: 'vmap to drop or reject packets to service nodeports with no endpoints' });
  tx.addChain(n.rejectChain, { comment: 'helper for @no-endpoint-services / @no-endpoint-nodeports' });
  tx.flushChain(n.rejectChain);
  tx.addRule(n.rejectChain, 'reject');
  tx.addRule(n.serviceEndpointsCheckChain, `${ctx.ipX} daddr . meta l4proto . th dport vmap @${n.noEndpointServicesMap}`);
  tx.addRule(n.nodePortEndpointsCheckChain, `${nodePortDestination(ctx)} meta l4proto . th dport vmap @${n.noEndpointNodePortsMap}`);
}

function writeFirewallCheck(tx: NftTransaction, ctx: SetupContext, created: Set<string>): void {
  tx.addMap(n.firewallIPsMap, { type: `${ctx.addrType} . inet_proto . inet_service : verdict`, comment: 'destinations that are subject to LoadBalancerSourceRanges' });
  ensureChain(tx, n.firewallCheckChain, created);
  tx.addRule(n.firewallCheckChain, `${ctx.ipX} daddr . meta l4proto . th dport vmap @${n.firewallIPsMap}`);
}

function writeServiceDispatch(tx: NftTransaction, ctx: SetupContext): void {
  tx.addMap(n.serviceIPsMap, { type: `${ctx.addrType} . inet_proto . inet_service : verdict`, comment: 'ClusterIP, ExternalIP and LoadBalancer IP traffic' });
  tx.addMap(n.serviceNodePortsMap, { type: 'inet_proto . inet_service : verdict', comment: 'NodePort traffic' });
  tx.addRule(n.servicesChain, `${ctx.ipX} daddr . meta l4proto . th dport vmap @${n.serviceIPsMap}`);
  const destination = ctx.nodePortIPs === undefined ? `fib daddr type local ${nodePortDestination(ctx)}` : nodePortDestination(ctx);
  tx.addRule(n.servicesChain, `${destination} meta l4proto . th dport vmap @${n.serviceNodePortsMap}`);
}

/** Localhost NodePorts do not exist in nftables mode (no route_localnet). */
function nodePortDestination(ctx: SetupContext): string {
  if (ctx.nodePortIPs !== undefined) return `${ctx.ipX} daddr @${n.nodePortIPsSet}`;
  return ctx.ipX === 'ip' ? 'ip daddr != 127.0.0.0/8' : 'ip6 daddr != ::1';
}
