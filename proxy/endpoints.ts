/**
 * Which endpoints a service port uses on this node: kube-proxy's CategorizeEndpoints
 * (pkg/proxy/topology.go), identical for iptables and nftables.
 */
import type { Endpoint, ServicePortInfo } from './model.js';
import { endpointString, usesClusterEndpoints, usesLocalEndpoints } from './model.js';

export interface CategorizedEndpoints {
  /** Endpoints for "Cluster" policy (ready, topology-filtered; else serving+terminating). */
  readonly cluster: readonly Endpoint[];
  /** Local endpoints for "Local" policy (ready; else serving+terminating). */
  readonly local: readonly Endpoint[];
  /** Union of the two: one endpoint chain each, sorted by endpoint string. */
  readonly allLocallyReachable: readonly Endpoint[];
  /** The service has usable endpoints anywhere (decides REJECT vs DROP). */
  readonly hasAnyEndpoints: boolean;
}

export interface NodeTopology {
  /** The node's topology.kubernetes.io/zone label, if any. */
  readonly zone?: string;
}

export function categorizeEndpoints(endpoints: readonly Endpoint[], svc: ServicePortInfo, node: NodeTopology = {}): CategorizedEndpoints {
  let cluster: readonly Endpoint[] = [];
  let hasAnyEndpoints = false;
  if (usesClusterEndpoints(svc)) {
    cluster = clusterPolicyEndpoints(endpoints, svc, node);
    hasAnyEndpoints = cluster.length > 0;
  }
  if (!usesLocalEndpoints(svc)) return { cluster, local: [], allLocallyReachable: cluster, hasAnyEndpoints };

  hasAnyEndpoints ||= endpoints.some((ep) => ep.ready || (ep.serving && ep.terminating));
  const local = localPolicyEndpoints(endpoints);
  if (!usesClusterEndpoints(svc)) return { cluster, local, allLocallyReachable: local, hasAnyEndpoints };
  return { cluster, local, allLocallyReachable: union(cluster, local), hasAnyEndpoints };
}

function clusterPolicyEndpoints(endpoints: readonly Endpoint[], svc: ServicePortInfo, node: NodeTopology): readonly Endpoint[] {
  const zone = canUseTopology(endpoints, svc, node) ? node.zone : undefined;
  const ready = endpoints.filter((ep) => ep.ready && (zone === undefined || ep.zoneHints.includes(zone)));
  if (ready.length > 0) return ready;
  // Topology was already ignored if it left nothing, so here no endpoint is ready anywhere.
  return endpoints.filter((ep) => ep.serving && ep.terminating);
}

function localPolicyEndpoints(endpoints: readonly Endpoint[]): readonly Endpoint[] {
  const ready = endpoints.filter((ep) => ep.isLocal && ep.ready);
  if (ready.length > 0) return ready;
  return endpoints.filter((ep) => ep.isLocal && ep.serving && ep.terminating);
}

/** Zone hints are used only if every ready endpoint has some and one matches this node's zone. */
function canUseTopology(endpoints: readonly Endpoint[], svc: ServicePortInfo, node: NodeTopology): boolean {
  if (!svc.topologyAware || !node.zone) return false;
  let hasEndpointForZone = false;
  for (const ep of endpoints) {
    if (!ep.ready) continue;
    if (ep.zoneHints.length === 0) return false;
    if (ep.zoneHints.includes(node.zone)) hasEndpointForZone = true;
  }
  return hasEndpointForZone;
}

function union(a: readonly Endpoint[], b: readonly Endpoint[]): readonly Endpoint[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const byString = new Map<string, Endpoint>();
  for (const ep of [...a, ...b]) byString.set(endpointString(ep), ep);
  return sortEndpoints([...byString.values()]);
}

/** kube-proxy's byEndpoint order: plain string comparison of "ip:port" ("10.0.0.10:80" < "10.0.0.2:80"). */
export function sortEndpoints(endpoints: readonly Endpoint[]): Endpoint[] {
  return [...endpoints].sort((x, y) => {
    const a = endpointString(x);
    const b = endpointString(y);
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
