/**
 * The per-service part of an nftables sync: map and set elements that dispatch to the service,
 * and its service-/local-/external-/firewall-/endpoint- chains and affinity sets. Mirrors the
 * per-service loop of kube-proxy's nftables syncProxyRules, one function per block.
 */
import { planTraffic, type MissingEndpoints, type TrafficPlan } from '../traffic-plan.js';
import { cidrContains, parseCidr } from '../ip.js';
import type { Endpoint, ServicePortEntry, ServicePortInfo } from '../model.js';
import { endpointString, protocolLower, servicePortNameString } from '../model.js';
import { nftEndpointChainBase, nftServiceChainBase } from '../hash.js';
import type { NodeTopology } from '../endpoints.js';
import type { NftTransaction } from './transaction.js';
import { ensureChain } from './setup.js';
import * as n from './names.js';

export interface ServiceContext {
  readonly ipX: 'ip' | 'ip6';
  readonly addrType: 'ipv4_addr' | 'ipv6_addr';
  readonly masqueradeAll: boolean;
  /** nft match for "from a pod" / "not from a pod"; undefined without a cluster CIDR. */
  readonly detector: { readonly ifLocal: string; readonly ifNotLocal: string } | undefined;
  readonly primaryNodeIP: string | undefined;
  readonly nodeTopology: NodeTopology;
}

interface ServicePlan extends TrafficPlan {
  readonly svc: ServicePortInfo;
  readonly name: string;
  readonly proto: string;
  readonly clusterChain: string;
  readonly localChain: string;
  readonly externalChain: string;
  readonly firewallChain: string;
  /** Endpoint chain/set name bases, hashed once per endpoint. */
  readonly endpointBases: ReadonlyMap<Endpoint, string>;
  readonly internalChain: string;
  readonly externalPolicyChain: string;
  /** Unlike iptables, nftables uses the firewall chain even without endpoints. */
  readonly usesFirewallChain: boolean;
  /** Map verdicts for traffic that finds no endpoints: reject (none at all) or drop (none local). */
  readonly internalVerdict: string | undefined;
  readonly externalVerdict: string | undefined;
}

export function writeServicePort(entry: ServicePortEntry, ctx: ServiceContext, tx: NftTransaction, active: Set<string>, affinitySets: Set<string>): void {
  const plan = planServicePort(entry, ctx);
  for (const ep of plan.endpoints.allLocallyReachable) {
    ensureChain(tx, endpointChain(plan, ep), active);
    if (plan.svc.sessionAffinity === 'ClientIP') affinitySets.add(affinitySet(plan, ep));
  }
  if (plan.usesClusterChain) ensureChain(tx, plan.clusterChain, active);
  if (plan.usesLocalChain) ensureChain(tx, plan.localChain, active);
  if (plan.usesExternalChain) ensureChain(tx, plan.externalChain, active);
  writeClusterIPElements(plan, tx);
  writeExternalIPElements(plan, tx);
  if (plan.usesFirewallChain) ensureChain(tx, plan.firewallChain, active);
  writeLoadBalancerElements(plan, tx);
  writeNodePortElements(plan, tx);
  writeInternalMasquerade(plan, ctx, tx);
  writeExternalChain(plan, ctx, tx);
  writeFirewallChain(plan, ctx, tx);
  writeAffinitySets(plan, ctx, tx);
  if (plan.usesClusterChain) writePolicyChain(plan, plan.clusterChain, plan.endpoints.cluster, ctx, tx);
  if (plan.usesLocalChain) writePolicyChain(plan, plan.localChain, plan.endpoints.local, ctx, tx);
  for (const ep of plan.endpoints.allLocallyReachable) writeEndpointChain(plan, ep, ctx, tx);
}

function planServicePort(entry: ServicePortEntry, ctx: ServiceContext): ServicePlan {
  const svc = entry.service;
  const proto = protocolLower(svc);
  const base = nftServiceChainBase(svc.namespace, svc.name, proto, svc.portName);
  const traffic = planTraffic(entry, ctx.nodeTopology);
  const clusterChain = n.chainPrefix.clusterPolicy + base;
  const localChain = n.chainPrefix.localPolicy + base;
  const verdict = (missing: MissingEndpoints) => (missing === 'none' ? `goto ${n.rejectChain}` : missing === 'no-local' ? 'drop' : undefined);
  return {
    ...traffic,
    svc,
    name: servicePortNameString(svc),
    proto,
    clusterChain,
    localChain,
    externalChain: n.chainPrefix.external + base,
    firewallChain: n.chainPrefix.firewall + base,
    endpointBases: new Map(traffic.endpoints.allLocallyReachable.map((ep) => [ep, nftEndpointChainBase(svc.namespace, svc.name, proto, svc.portName, ep.ip, ep.port)])),
    internalChain: svc.internalPolicyLocal ? localChain : clusterChain,
    externalPolicyChain: svc.externalPolicyLocal ? localChain : clusterChain,
    usesFirewallChain: svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0,
    internalVerdict: verdict(traffic.internalMissing),
    externalVerdict: verdict(traffic.externalMissing),
  };
}

function endpointBase(plan: ServicePlan, ep: Endpoint): string {
  return plan.endpointBases.get(ep) ?? nftEndpointChainBase(plan.svc.namespace, plan.svc.name, plan.proto, plan.svc.portName, ep.ip, ep.port);
}

function endpointChain(plan: ServicePlan, ep: Endpoint): string {
  return n.chainPrefix.endpoint + endpointBase(plan, ep);
}

function affinitySet(plan: ServicePlan, ep: Endpoint): string {
  return n.chainPrefix.affinity + endpointBase(plan, ep);
}

function key(plan: ServicePlan, ip: string): string[] {
  return [ip, plan.proto, String(plan.svc.port)];
}

function writeClusterIPElements(plan: ServicePlan, tx: NftTransaction): void {
  tx.addElement(n.clusterIPsSet, { key: [plan.svc.clusterIP] });
  if (plan.hasInternalEndpoints) {
    tx.addElement(n.serviceIPsMap, { key: key(plan, plan.svc.clusterIP), value: [`goto ${plan.internalChain}`] });
  } else if (plan.internalVerdict) {
    tx.addElement(n.noEndpointServicesMap, { key: key(plan, plan.svc.clusterIP), value: [plan.internalVerdict], comment: plan.name });
  }
}

function writeExternalIPElements(plan: ServicePlan, tx: NftTransaction): void {
  for (const ip of plan.svc.externalIPs) {
    if (plan.endpoints.hasAnyEndpoints) tx.addElement(n.serviceIPsMap, { key: key(plan, ip), value: [`goto ${plan.externalChain}`] });
    // No endpoints at all (reject), or none for external traffic (drop what EXT did not short-circuit).
    if (plan.externalVerdict) tx.addElement(n.noEndpointServicesMap, { key: key(plan, ip), value: [plan.externalVerdict], comment: plan.name });
  }
}

function writeLoadBalancerElements(plan: ServicePlan, tx: NftTransaction): void {
  for (const ip of plan.svc.loadBalancerVIPs) {
    if (plan.endpoints.hasAnyEndpoints) tx.addElement(n.serviceIPsMap, { key: key(plan, ip), value: [`goto ${plan.externalChain}`] });
    if (plan.usesFirewallChain) tx.addElement(n.firewallIPsMap, { key: key(plan, ip), value: [`goto ${plan.firewallChain}`] });
  }
  if (!plan.externalVerdict) return;
  for (const ip of plan.svc.loadBalancerVIPs) {
    tx.addElement(n.noEndpointServicesMap, { key: key(plan, ip), value: [plan.externalVerdict], comment: plan.name });
  }
}

/** NodePorts are not subject to loadBalancerSourceRanges, as in iptables mode. */
function writeNodePortElements(plan: ServicePlan, tx: NftTransaction): void {
  const nodePort = plan.svc.nodePort;
  if (nodePort === 0) return;
  const npKey = [plan.proto, String(nodePort)];
  if (plan.endpoints.hasAnyEndpoints) tx.addElement(n.serviceNodePortsMap, { key: npKey, value: [`goto ${plan.externalChain}`] });
  if (plan.externalVerdict) tx.addElement(n.noEndpointNodePortsMap, { key: npKey, value: [plan.externalVerdict], comment: plan.name });
}

/** Masquerades off-cluster traffic to the VIP, which may be routed to any node and bounce off it. */
function writeInternalMasquerade(plan: ServicePlan, ctx: ServiceContext, tx: NftTransaction): void {
  if (!plan.hasInternalEndpoints) return;
  const match = `${ctx.ipX} daddr ${plan.svc.clusterIP} ${plan.proto} dport ${plan.svc.port}`;
  if (ctx.masqueradeAll) tx.addRule(plan.internalChain, `${match} jump ${n.markMasqChain}`);
  else if (ctx.detector) tx.addRule(plan.internalChain, `${match} ${ctx.detector.ifNotLocal} jump ${n.markMasqChain}`);
}

function writeExternalChain(plan: ServicePlan, ctx: ServiceContext, tx: NftTransaction): void {
  if (!plan.usesExternalChain) return;
  const ext = plan.externalChain;
  if (!plan.svc.externalPolicyLocal) {
    // Cluster policy may cross nodes, so the reply must come back through this node.
    tx.addRule(ext, `jump ${n.markMasqChain}`);
  } else {
    // Pod traffic to an external address skips both policies, as if it went out to the LB and back.
    if (ctx.detector) tx.addRule(ext, `${ctx.detector.ifLocal} goto ${plan.clusterChain}`, 'short-circuit pod traffic');
    // The host's own traffic has a local source address (often the LB IP itself): masquerade it.
    tx.addRule(ext, `fib saddr type local jump ${n.markMasqChain}`, 'masquerade local traffic');
    tx.addRule(ext, `fib saddr type local goto ${plan.clusterChain}`, 'short-circuit local traffic');
  }
  if (plan.hasExternalEndpoints) tx.addRule(ext, `goto ${plan.externalPolicyChain}`);
}

/** Sources outside the ranges are dropped; LB IPs are allowed too when a range holds the node. */
function writeFirewallChain(plan: ServicePlan, ctx: ServiceContext, tx: NftTransaction): void {
  if (!plan.usesFirewallChain) return;
  const sources = [...plan.svc.loadBalancerSourceRanges];
  const allowFromNode = sources.some((r) => {
    const cidr = parseCidr(r);
    return cidr !== undefined && ctx.primaryNodeIP !== undefined && cidrContains(cidr, ctx.primaryNodeIP);
  });
  if (allowFromNode) sources.push(...plan.svc.loadBalancerVIPs);
  tx.addRule(plan.firewallChain, `${ctx.ipX} saddr != { ${sources.join(' , ')} } drop`);
}

/** Affinity is per source IP and service port, whichever service address was used. */
function writeAffinitySets(plan: ServicePlan, ctx: ServiceContext, tx: NftTransaction): void {
  if (plan.svc.sessionAffinity !== 'ClientIP') return;
  for (const ep of plan.endpoints.allLocallyReachable) {
    // "dynamic" is required in practice: RHEL 8 adds it itself and a later re-add would then fail.
    tx.addSet(affinitySet(plan, ep), { type: ctx.addrType, flags: ['dynamic', 'timeout'], timeoutSeconds: plan.svc.stickyMaxAgeSeconds });
  }
}

/** One numgen lookup replaces iptables' chain of 1/n statistic rules. */
function writePolicyChain(plan: ServicePlan, chain: string, endpoints: readonly Endpoint[], ctx: ServiceContext, tx: NftTransaction): void {
  if (plan.svc.sessionAffinity === 'ClientIP') {
    for (const ep of endpoints) tx.addRule(chain, `${ctx.ipX} saddr @${affinitySet(plan, ep)} goto ${endpointChain(plan, ep)}`);
  }
  const elements = endpoints.map((ep, i) => `${i} : goto ${endpointChain(plan, ep)}`).join(' , ');
  tx.addRule(chain, `numgen random mod ${endpoints.length} vmap { ${elements} }`);
}

/** Masquerade hairpin traffic (a pod reaching itself through the service), then DNAT. */
function writeEndpointChain(plan: ServicePlan, ep: Endpoint, ctx: ServiceContext, tx: NftTransaction): void {
  const chain = endpointChain(plan, ep);
  tx.addRule(chain, `${ctx.ipX} saddr ${ep.ip} jump ${n.markMasqChain}`);
  if (plan.svc.sessionAffinity === 'ClientIP') tx.addRule(chain, `update @${affinitySet(plan, ep)} { ${ctx.ipX} saddr }`);
  tx.addRule(chain, `meta l4proto ${plan.proto} dnat to ${endpointString(ep)}`);
}
