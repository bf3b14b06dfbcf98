/**
 * The proxy's internal model: what kube-proxy keeps per service port (BaseServicePortInfo) and per
 * endpoint (BaseEndpointInfo), converted once at the edge (see from-api.ts). Renderers take only
 * these types, never API objects.
 */
import type { IPFamily } from './ip.js';
import { joinHostPort } from './ip.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type TrafficPolicy = 'Cluster' | 'Local';

/** One port of one Service, for one IP family. */
export interface ServicePortInfo {
  readonly namespace: string;
  readonly name: string;
  /** The port's name; "" for the single unnamed port of a service. */
  readonly portName: string;
  readonly protocol: Protocol;
  readonly clusterIP: string;
  readonly port: number;
  /** 0 when the port has no node port. */
  readonly nodePort: number;
  /** Status load-balancer ingress IPs in VIP mode, of this family. */
  readonly loadBalancerVIPs: readonly string[];
  readonly externalIPs: readonly string[];
  /** Canonical CIDRs (trimmed, host bits cleared) of this family. */
  readonly loadBalancerSourceRanges: readonly string[];
  readonly sessionAffinity: 'None' | 'ClientIP';
  /** Only meaningful with ClientIP affinity (API default 10800). */
  readonly stickyMaxAgeSeconds: number;
  /** eTP=Local on a NodePort/LoadBalancer service (kube-proxy's ExternalPolicyLocal). */
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  /** Non-zero only for LoadBalancer services with eTP=Local. */
  readonly healthCheckNodePort: number;
  /** Topology hints are honoured (topology-mode Auto, or trafficDistribution set). */
  readonly topologyAware: boolean;
}

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly nodeName: string;
  readonly zone: string;
  readonly zoneHints: readonly string[];
  /** The endpoint runs on this node. */
  readonly isLocal: boolean;
}

/** A service port together with every endpoint the slices list for it (sorted, deduplicated). */
export interface ServicePortEntry {
  readonly service: ServicePortInfo;
  readonly endpoints: readonly Endpoint[];
}

/** Everything a renderer needs about the cluster, for one IP family. */
export interface ProxyState {
  readonly ipFamily: IPFamily;
  readonly servicePorts: readonly ServicePortEntry[];
}

/** ServicePortName.String(): "ns/name" plus ":port" only when the port is named. */
export function servicePortNameString(svc: Pick<ServicePortInfo, 'namespace' | 'name' | 'portName'>): string {
  const base = `${svc.namespace}/${svc.name}`;
  return svc.portName ? `${base}:${svc.portName}` : base;
}

/** The Service a port belongs to, "ns/name": the unit the change trackers and partial syncs work in. */
export function serviceKey(svc: Pick<ServicePortInfo, 'namespace' | 'name'>): string {
  return `${svc.namespace}/${svc.name}`;
}

/**
 * The entries of each Service, in state order (a Service's ports are contiguous there), keeping only
 * the Services `wanted` accepts.
 */
export function groupByService(entries: readonly ServicePortEntry[], wanted: (key: string) => boolean = () => true): Map<string, ServicePortEntry[]> {
  const groups = new Map<string, ServicePortEntry[]>();
  for (const entry of entries) {
    const key = serviceKey(entry.service);
    const group = groups.get(key);
    if (group) group.push(entry);
    else if (wanted(key)) groups.set(key, [entry]);
  }
  return groups;
}

/**
 * A partial sync's walk over the changed Services (in key order): each one's fragment as last
 * applied and as rendered from `state` now (undefined when the Service is gone). Returns the
 * fragments as they will be once the sync is applied. Both modes' partial renderers use it.
 */
export function changedFragments<F>(
  applied: ReadonlyMap<string, F>,
  state: ProxyState,
  changed: ReadonlySet<string>,
  render: (entries: ServicePortEntry[]) => F,
  onChange: (before: F | undefined, after: F | undefined) => void,
): Map<string, F> {
  const rendered = groupByService(state.servicePorts, (key) => changed.has(key));
  const fragments = new Map(applied);
  for (const key of [...changed].sort()) {
    const entries = rendered.get(key);
    const after = entries ? render(entries) : undefined;
    if (after) fragments.set(key, after);
    else fragments.delete(key);
    onChange(applied.get(key), after);
  }
  return fragments;
}

/** BaseEndpointInfo.String(): net.JoinHostPort(ip, port). */
export function endpointString(ep: Pick<Endpoint, 'ip' | 'port'>): string {
  return joinHostPort(ep.ip, ep.port);
}

export function protocolLower(svc: Pick<ServicePortInfo, 'protocol'>): string {
  return svc.protocol.toLowerCase();
}

export function externallyAccessible(svc: ServicePortInfo): boolean {
  return svc.nodePort !== 0 || svc.loadBalancerVIPs.length > 0 || svc.externalIPs.length > 0;
}

/** Even with eTP=Local the cluster chain is needed to short-circuit pod and host traffic. */
export function usesClusterEndpoints(svc: ServicePortInfo): boolean {
  return !svc.internalPolicyLocal || externallyAccessible(svc);
}

export function usesLocalEndpoints(svc: ServicePortInfo): boolean {
  return svc.internalPolicyLocal || (svc.externalPolicyLocal && externallyAccessible(svc));
}

/** Stable order for rendering: by port name string, then protocol (kube-proxy's map order is random). */
export function compareServicePorts(a: ServicePortInfo, b: ServicePortInfo): number {
  const x = servicePortNameString(a) + ' ' + a.protocol;
  const y = servicePortNameString(b) + ' ' + b.protocol;
  return x < y ? -1 : x > y ? 1 : 0;
}
