/**
 * What the slices of a Service should contain, computed from scratch: for each distinct list of
 * resolved ports, the set of endpoints (upstream's desiredEndpointsByPortMap). Pure.
 */
import { endpointHostname, findTargetPort, podIPOfFamily, shouldPodBeInEndpoints, type AddressType, type NodeInfo, type PodInfo, type ServiceInfo } from './model.js';
import { endpointKey, portKey, type Endpoint, type EndpointPort, type EndpointSet } from './slice.js';

export interface PortGroup {
  ports: EndpointPort[];
  endpoints: EndpointSet;
}

export interface DesiredEndpoints {
  /** By portKey. */
  groups: Map<string, PortGroup>;
  /** Pods left out because their node is not known (yet); the Service should be synced again later. */
  podsWithUnknownNode: string[];
}

/** The pod's ports for this Service; Service ports the pod cannot resolve are left out (upstream getEndpointPorts). */
export function endpointPorts(svc: ServiceInfo, pod: PodInfo): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.ports) {
    const port = findTargetPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name, port, protocol: sp.protocol };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/**
 * The endpoint for a pod (upstream podToEndpoint). `ready` is never true for a terminating pod,
 * unless the Service publishes not-ready addresses; `serving` is the pod's own readiness.
 */
export function podToEndpoint(pod: PodInfo, ip: string, node: NodeInfo | undefined, svc: ServiceInfo): Endpoint {
  const serving = pod.ready;
  const terminating = pod.terminating;
  const ep: Endpoint = {
    addresses: [ip],
    conditions: { ready: svc.publishNotReadyAddresses || (serving && !terminating), serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid },
  };
  const hostname = endpointHostname(pod, svc);
  if (hostname) ep.hostname = hostname;
  if (pod.nodeName) ep.nodeName = pod.nodeName;
  if (node?.zone) ep.zone = node.zone;
  return ep;
}

export function computeDesiredEndpoints(svc: ServiceInfo, pods: readonly PodInfo[], nodes: ReadonlyMap<string, NodeInfo>, addressType: AddressType): DesiredEndpoints {
  const groups = new Map<string, PortGroup>();
  const podsWithUnknownNode: string[] = [];
  for (const pod of pods) {
    // The slice controller always includes terminating pods; their conditions say so.
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIPOfFamily(pod, addressType);
    if (!ip) continue;
    // Upstream skips pods whose node it cannot find (and retries later); a pod with an IP but no
    // node name is one a node agent outside this cluster's view runs, which we accept.
    const node = pod.nodeName ? nodes.get(pod.nodeName) : undefined;
    // With publishNotReadyAddresses upstream publishes such a pod anyway (without a zone).
    if (pod.nodeName && !node && !svc.publishNotReadyAddresses) {
      podsWithUnknownNode.push(`${pod.namespace}/${pod.name}`);
      continue;
    }
    const ports = endpointPorts(svc, pod);
    const key = portKey(ports);
    let group = groups.get(key);
    if (!group) {
      group = { ports, endpoints: new Map() };
      groups.set(key, group);
    }
    const ep = podToEndpoint(pod, ip, node, svc);
    group.endpoints.set(endpointKey(ep), ep);
  }
  return { groups, podsWithUnknownNode };
}
