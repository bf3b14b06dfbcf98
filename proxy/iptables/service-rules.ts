/**
 * The rules for one service port: capture rules in the dispatch chains (KUBE-SERVICES,
 * KUBE-NODEPORTS and their filter twins) and the per-service chains EXT, FW, SVC, SVL and SEP.
 * Mirrors the body of kube-proxy's per-service loop, one function per block.
 */
import { planTraffic, type MissingEndpoints, type TrafficPlan } from '../traffic-plan.js';
import { cidrContains, parseCidr } from '../ip.js';
import type { Endpoint, ServicePortEntry, ServicePortInfo } from '../model.js';
import { endpointString, protocolLower, servicePortNameString } from '../model.js';
import { iptablesChainPrefix, iptablesEndpointChain, iptablesServiceHash } from '../hash.js';
import { probability } from './config.js';
import { quoted, type RestoreBuffers, type RenderContext } from './context.js';
import {
  kubeExternalServicesChain,
  kubeMarkMasqChain,
  kubeNodePortsChain,
  kubeProxyFirewallChain,
  kubeServicesChain,
} from './chains.js';

/** Everything the blocks below decide from, computed once per service port (as upstream does). */
interface ServicePlan extends TrafficPlan {
  readonly svc: ServicePortInfo;
  readonly name: string;
  readonly proto: string;
  readonly clusterChain: string;
  readonly localChain: string;
  readonly externalChain: string;
  readonly firewallChain: string;
  /** KUBE-SEP names, hashed once per endpoint. */
  readonly endpointChains: ReadonlyMap<Endpoint, string>;
  readonly internalChain: string;
  readonly externalPolicyChain: string;
  /** iptables needs the firewall chain only when there are endpoints to protect. */
  readonly usesFirewallChain: boolean;
  /** Filter verdicts for traffic that finds no endpoints: REJECT (none at all) or DROP (none local). */
  readonly internalFilter: FilterVerdict | undefined;
  readonly externalFilter: FilterVerdict | undefined;
}

interface FilterVerdict {
  readonly target: 'REJECT' | 'DROP';
  readonly comment: string;
}

export function writeServicePort(entry: ServicePortEntry, ctx: RenderContext, out: RestoreBuffers, active: Set<string>): void {
  const plan = planServicePort(entry, ctx);
  writeClusterIPCapture(plan, out);
  writeExternalIPCapture(plan, out);
  writeLoadBalancerCapture(plan, out);
  writeNodePortCapture(plan, ctx, out);
  writeHealthCheckNodePort(plan, out);
  writeInternalMasquerade(plan, ctx, out);
  writeExternalChain(plan, ctx, out, active);
  writeFirewallChain(plan, ctx, out, active);
  if (plan.usesClusterChain) writePolicyChain(plan, plan.clusterChain, plan.endpoints.cluster, ctx, out, active);
  if (plan.usesLocalChain) writePolicyChain(plan, plan.localChain, plan.endpoints.local, ctx, out, active);
  for (const ep of plan.endpoints.allLocallyReachable) writeEndpointChain(plan, ep, ctx, out, active);
}

function planServicePort(entry: ServicePortEntry, ctx: RenderContext): ServicePlan {
  const svc = entry.service;
  const name = servicePortNameString(svc);
  const proto = protocolLower(svc);
  const traffic = planTraffic(entry, ctx.nodeTopology);
  const suffix = iptablesServiceHash(name, proto);
  const clusterChain = iptablesChainPrefix.clusterPolicy + suffix;
  const localChain = iptablesChainPrefix.localPolicy + suffix;
  const endpointChains = new Map(traffic.endpoints.allLocallyReachable.map((ep) => [ep, iptablesEndpointChain(name, proto, endpointString(ep))]));
  const verdict = (missing: MissingEndpoints): FilterVerdict | undefined =>
    missing === 'none' ? { target: 'REJECT', comment: quoted(`${name} has no endpoints`) }
      : missing === 'no-local' ? { target: 'DROP', comment: quoted(`${name} has no local endpoints`) }
        : undefined;
  return {
    ...traffic,
    svc,
    name,
    proto,
    clusterChain,
    localChain,
    externalChain: iptablesChainPrefix.external + suffix,
    firewallChain: iptablesChainPrefix.firewall + suffix,
    endpointChains,
    internalChain: svc.internalPolicyLocal ? localChain : clusterChain,
    externalPolicyChain: svc.externalPolicyLocal ? localChain : clusterChain,
    usesFirewallChain: traffic.endpoints.hasAnyEndpoints && svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0,
    internalFilter: verdict(traffic.internalMissing),
    externalFilter: verdict(traffic.externalMissing),
  };
}

function dstMatch(plan: ServicePlan, ip: string, port: number): string[] {
  return ['-m', plan.proto, '-p', plan.proto, '-d', ip, '--dport', String(port)];
}

function writeClusterIPCapture(plan: ServicePlan, out: RestoreBuffers): void {
  const { svc } = plan;
  if (plan.hasInternalEndpoints) {
    out.nat('-A', kubeServicesChain, '-m', 'comment', '--comment', quoted(`${plan.name} cluster IP`), ...dstMatch(plan, svc.clusterIP, svc.port), '-j', plan.internalChain);
  } else if (plan.internalFilter) {
    out.filter('-A', kubeServicesChain, '-m', 'comment', '--comment', plan.internalFilter.comment, ...dstMatch(plan, svc.clusterIP, svc.port), '-j', plan.internalFilter.target);
  }
}

function writeExternalIPCapture(plan: ServicePlan, out: RestoreBuffers): void {
  for (const ip of plan.svc.externalIPs) {
    if (plan.endpoints.hasAnyEndpoints) {
      out.nat('-A', kubeServicesChain, '-m', 'comment', '--comment', quoted(`${plan.name} external IP`), ...dstMatch(plan, ip, plan.svc.port), '-j', plan.externalChain);
    }
    if (plan.externalFilter) {
      out.filter('-A', kubeExternalServicesChain, '-m', 'comment', '--comment', plan.externalFilter.comment, ...dstMatch(plan, ip, plan.svc.port), '-j', plan.externalFilter.target);
    }
  }
}

function writeLoadBalancerCapture(plan: ServicePlan, out: RestoreBuffers): void {
  const lbChain = plan.usesFirewallChain ? plan.firewallChain : plan.externalChain;
  for (const ip of plan.svc.loadBalancerVIPs) {
    if (plan.endpoints.hasAnyEndpoints) {
      out.nat('-A', kubeServicesChain, '-m', 'comment', '--comment', quoted(`${plan.name} loadbalancer IP`), ...dstMatch(plan, ip, plan.svc.port), '-j', lbChain);
    }
    if (plan.usesFirewallChain) {
      const comment = quoted(`${plan.name} traffic not accepted by ${plan.firewallChain}`);
      out.filter('-A', kubeProxyFirewallChain, '-m', 'comment', '--comment', comment, ...dstMatch(plan, ip, plan.svc.port), '-j', 'DROP');
    }
  }
  if (!plan.externalFilter) return;
  for (const ip of plan.svc.loadBalancerVIPs) {
    out.filter('-A', kubeExternalServicesChain, '-m', 'comment', '--comment', plan.externalFilter.comment, ...dstMatch(plan, ip, plan.svc.port), '-j', plan.externalFilter.target);
  }
}

/** NodePorts are not subject to loadBalancerSourceRanges (upstream: "for better or for worse"). */
function writeNodePortCapture(plan: ServicePlan, ctx: RenderContext, out: RestoreBuffers): void {
  const { svc } = plan;
  if (svc.nodePort === 0) return;
  const protoMatch = ['-m', plan.proto, '-p', plan.proto];
  if (plan.endpoints.hasAnyEndpoints) {
    if (ctx.localhostNodePorts && ctx.ipFamily === 4 && ctx.profile.nfacct) {
      // Same verdict as the next rule; only counts localhost NodePort use for the metric.
      out.nat('-A', kubeNodePortsChain, '-m', 'comment', '--comment', plan.name, ...protoMatch, '-d', '127.0.0.0/8', '--dport', String(svc.nodePort),
        '-m', 'nfacct', '--nfacct-name', 'localhost_nps_accepted_pkts', '-j', plan.externalChain);
    }
    out.nat('-A', kubeNodePortsChain, '-m', 'comment', '--comment', plan.name, ...protoMatch, '--dport', String(svc.nodePort), '-j', plan.externalChain);
  }
  if (plan.externalFilter) {
    out.filter('-A', kubeExternalServicesChain, '-m', 'comment', '--comment', plan.externalFilter.comment, '-m', 'addrtype', '--dst-type', 'LOCAL',
      ...protoMatch, '--dport', String(svc.nodePort), '-j', plan.externalFilter.target);
  }
}

/** Accepted whether or not this node has local endpoints: the LB asks every node. */
function writeHealthCheckNodePort(plan: ServicePlan, out: RestoreBuffers): void {
  if (plan.svc.healthCheckNodePort === 0) return;
  out.filter('-A', kubeNodePortsChain, '-m', 'comment', '--comment', quoted(`${plan.name} health check node port`),
    '-m', 'tcp', '-p', 'tcp', '--dport', String(plan.svc.healthCheckNodePort), '-j', 'ACCEPT');
}

/** Masquerades off-cluster traffic to the VIP, which may be routed to any node and bounce off it. */
function writeInternalMasquerade(plan: ServicePlan, ctx: RenderContext, out: RestoreBuffers): void {
  if (!plan.hasInternalEndpoints) return;
  const match = ['-m', 'comment', '--comment', quoted(`${plan.name} cluster IP`), ...dstMatch(plan, plan.svc.clusterIP, plan.svc.port)];
  if (ctx.masqueradeAll) out.nat('-A', plan.internalChain, ...match, '-j', kubeMarkMasqChain);
  else if (ctx.detector) out.nat('-A', plan.internalChain, ...match, ...ctx.detector.ifNotLocal, '-j', kubeMarkMasqChain);
}

function writeExternalChain(plan: ServicePlan, ctx: RenderContext, out: RestoreBuffers, active: Set<string>): void {
  if (!plan.usesExternalChain) return;
  const ext = plan.externalChain;
  declareNat(ext, out, active);
  if (!plan.svc.externalPolicyLocal) {
    // Cluster policy may cross nodes, so the reply must come back through this node.
    out.nat('-A', ext, '-m', 'comment', '--comment', quoted(`masquerade traffic for ${plan.name} external destinations`), '-j', kubeMarkMasqChain);
  } else {
    // Pod traffic to an external address skips both policies, as if it went out to the LB and back.
    if (ctx.detector) {
      out.nat('-A', ext, '-m', 'comment', '--comment', quoted(`pod traffic for ${plan.name} external destinations`), ...ctx.detector.ifLocal, '-j', plan.clusterChain);
    }
    // The host's own traffic has a local source address (often the LB IP itself): masquerade it.
    out.nat('-A', ext, '-m', 'comment', '--comment', quoted(`masquerade LOCAL traffic for ${plan.name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', kubeMarkMasqChain);
    out.nat('-A', ext, '-m', 'comment', '--comment', quoted(`route LOCAL traffic for ${plan.name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', plan.clusterChain);
  }
  if (plan.hasExternalEndpoints) out.nat('-A', ext, '-j', plan.externalPolicyChain);
}

/**
 * loadBalancerSourceRanges: allowed sources continue to EXT; the rest fall off the end undNATed
 * and are dropped by the filter KUBE-PROXY-FIREWALL rule. When the node itself is in a range, the
 * LB IPs are allowed as sources too (hairpinned VIP traffic arrives with the VIP as source).
 */
function writeFirewallChain(plan: ServicePlan, ctx: RenderContext, out: RestoreBuffers, active: Set<string>): void {
  if (!plan.usesFirewallChain) return;
  const fw = plan.firewallChain;
  declareNat(fw, out, active);
  const head = ['-A', fw, '-m', 'comment', '--comment', quoted(`${plan.name} loadbalancer IP`)];
  let allowFromNode = false;
  for (const range of plan.svc.loadBalancerSourceRanges) {
    out.nat(...head, '-s', range, '-j', plan.externalChain);
    const cidr = parseCidr(range);
    if (cidr && ctx.primaryNodeIP && cidrContains(cidr, ctx.primaryNodeIP)) allowFromNode = true;
  }
  if (allowFromNode) for (const ip of plan.svc.loadBalancerVIPs) out.nat(...head, '-s', ip, '-j', plan.externalChain);
  out.nat('-A', fw, '-m', 'comment', '--comment', quoted(`other traffic to ${plan.name} will be dropped by KUBE-PROXY-FIREWALL`));
}

/** SVC/SVL: affinity checks first, then 1/n, 1/(n-1), ... probabilities and a final catch-all. */
function writePolicyChain(plan: ServicePlan, chain: string, endpoints: readonly Endpoint[], ctx: RenderContext, out: RestoreBuffers, active: Set<string>): void {
  declareNat(chain, out, active);
  const comment = (ep: Endpoint) => (ctx.largeClusterMode ? [] : ['-m', 'comment', '--comment', quoted(`${plan.name} -> ${endpointString(ep)}`)]);
  if (plan.svc.sessionAffinity === 'ClientIP') {
    for (const ep of endpoints) {
      const sep = endpointChainName(plan, ep);
      out.nat('-A', chain, ...comment(ep), '-m', 'recent', '--name', sep, '--rcheck', '--seconds', String(plan.svc.stickyMaxAgeSeconds), '--reap', '-j', sep);
    }
  }
  endpoints.forEach((ep, i) => {
    const odds = i < endpoints.length - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(endpoints.length - i)] : [];
    out.nat('-A', chain, ...comment(ep), ...odds, '-j', endpointChainName(plan, ep));
  });
}

/** KUBE-SEP: masquerade hairpin traffic (a pod reaching itself through the service), then DNAT. */
function writeEndpointChain(plan: ServicePlan, ep: Endpoint, ctx: RenderContext, out: RestoreBuffers, active: Set<string>): void {
  const sep = endpointChainName(plan, ep);
  declareNat(sep, out, active);
  const head = ['-A', sep, ...(ctx.largeClusterMode ? [] : ['-m', 'comment', '--comment', plan.name])];
  out.nat(...head, '-s', ep.ip, '-j', kubeMarkMasqChain);
  const affinity = plan.svc.sessionAffinity === 'ClientIP' ? ['-m', 'recent', '--name', sep, '--set'] : [];
  out.nat(...head, ...affinity, '-m', plan.proto, '-p', plan.proto, '-j', 'DNAT', '--to-destination', endpointString(ep));
}

function endpointChainName(plan: ServicePlan, ep: Endpoint): string {
  return plan.endpointChains.get(ep) ?? iptablesEndpointChain(plan.name, plan.proto, endpointString(ep));
}

function declareNat(chain: string, out: RestoreBuffers, active: Set<string>): void {
  out.natChain(chain);
  active.add(chain);
}
