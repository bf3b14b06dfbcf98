/**
 * Load balancer addresses for a machine with no cloud. Pure. With a pool, every LoadBalancer
 * Service gets one address of it (MetalLB's way); without one, the InternalIPs of the Ready nodes
 * (k3s servicelb's way: the nodes answer on the service port). Assignment is computed for all
 * Services at once from what their status already says, so a restart keeps every address and two
 * Services never share one.
 */
import type { KubeObject } from '../../api/types.js';
import { addressTypeOf } from '../endpointslice/model.js';
import { AddressPool } from './pool.js';

export interface LbIngress {
  ip: string;
  ipMode: 'VIP';
}

export interface LbService {
  key: string;
  /** Ours: type LoadBalancer without a loadBalancerClass (a class names another implementation). */
  wantsLoadBalancer: boolean;
  creationTimestamp: string;
  requestedIP?: string;
  ipFamilies: ('IPv4' | 'IPv6')[];
  /** status.loadBalancer.ingress[].ip as it is now. */
  currentIPs: string[];
}

export interface NodeAddressInfo {
  name: string;
  ready: boolean;
  internalIPs: string[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function toLbService(svc: KubeObject): LbService {
  const spec = obj(svc.spec);
  const ingress = arr(obj(obj(svc.status).loadBalancer).ingress).map(obj);
  const families = arr(spec.ipFamilies).filter((f): f is 'IPv4' | 'IPv6' => f === 'IPv4' || f === 'IPv6');
  return {
    key: `${svc.metadata.namespace}/${svc.metadata.name}`,
    wantsLoadBalancer: spec.type === 'LoadBalancer' && !spec.loadBalancerClass,
    creationTimestamp: svc.metadata.creationTimestamp ?? '',
    requestedIP: typeof spec.loadBalancerIP === 'string' && spec.loadBalancerIP ? spec.loadBalancerIP : undefined,
    ipFamilies: families.length ? families : ['IPv4'],
    currentIPs: ingress.map((i) => i.ip).filter((ip): ip is string => typeof ip === 'string'),
  };
}

export function toNodeAddressInfo(node: KubeObject): NodeAddressInfo {
  const status = obj(node.status);
  const ready = arr(status.conditions).map(obj).some((c) => c.type === 'Ready' && c.status === 'True');
  const internalIPs = arr(status.addresses).map(obj).filter((a) => a.type === 'InternalIP' && typeof a.address === 'string').map((a) => a.address as string);
  return { name: node.metadata.name ?? '', ready, internalIPs };
}

const byAge = (a: LbService, b: LbService) => (a.creationTimestamp < b.creationTimestamp ? -1 : a.creationTimestamp > b.creationTimestamp ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Pool addresses for every Service that wants one, by key; a Service missing from the result
 * could not get one (pool exhausted or its requested address taken). Kept addresses come first
 * (oldest Service wins a conflict), then requested ones, then the lowest free address by age.
 */
export function assignPoolAddresses(services: readonly LbService[], pool: AddressPool): Map<string, string> {
  const wanting = services.filter((s) => s.wantsLoadBalancer).sort(byAge);
  const assigned = new Map<string, string>();
  const used = new Set<string>();
  const family = (s: LbService) => (s.ipFamilies[0] === 'IPv6' ? 6 : 4);
  const take = (s: LbService, ip: string) => {
    assigned.set(s.key, ip);
    used.add(ip);
  };
  for (const s of wanting) {
    const kept = s.currentIPs.find((ip) => pool.contains(ip) && !used.has(ip) && (!s.requestedIP || ip === s.requestedIP));
    if (kept) take(s, kept);
  }
  for (const s of wanting) {
    if (assigned.has(s.key) || !s.requestedIP) continue;
    if (pool.contains(s.requestedIP) && !used.has(s.requestedIP)) take(s, s.requestedIP);
  }
  for (const s of wanting) {
    if (assigned.has(s.key) || s.requestedIP) continue;
    const ip = pool.firstFree(used, family(s));
    if (ip) take(s, ip);
  }
  return assigned;
}

/** Without a pool: the Ready nodes' InternalIPs of the Service's first family, sorted. */
export function nodeAddresses(svc: LbService, nodes: readonly NodeAddressInfo[]): string[] {
  const family = svc.ipFamilies[0];
  const ips = nodes.filter((n) => n.ready).flatMap((n) => n.internalIPs.filter((ip) => addressTypeOf(ip) === family));
  return [...new Set(ips)].sort();
}

export interface LbDecision {
  /** What status.loadBalancer.ingress should be; [] = none. */
  ingress: LbIngress[];
  /** Whether the status must be written. */
  changed: boolean;
  /** Set when the Service wants a load balancer and gets no address. */
  problem?: string;
}

export function decideIngress(svc: LbService, addresses: string[], poolMode: boolean): LbDecision {
  const ingress = svc.wantsLoadBalancer ? addresses.map((ip) => ({ ip, ipMode: 'VIP' as const })) : [];
  const changed = ingress.map((i) => i.ip).join(',') !== svc.currentIPs.join(',');
  let problem: string | undefined;
  if (svc.wantsLoadBalancer && addresses.length === 0) {
    if (!poolMode) problem = 'no Ready node with an InternalIP of the Service\'s IP family';
    else if (svc.requestedIP) problem = `requested loadBalancerIP ${svc.requestedIP} is not in the address pool or is already in use`;
    else problem = 'no available IPs in the address pool';
  }
  return { ingress, changed, problem };
}
