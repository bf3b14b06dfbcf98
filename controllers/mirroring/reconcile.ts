/**
 * reconcileMirroredSlices: Endpoints written by a user for a Service without a selector →
 * EndpointSlices that say the same (so kube-proxy, DNS and ingress, which read only slices, see
 * them). Pure. Upstream's rules: mirror only when the Service exists and has no selector, and the
 * Endpoints are not labelled skip-mirror (the API server's own `default/kubernetes` is) nor a
 * leader-election record; slices are owned by the Endpoints and carry their labels and annotations.
 */
import type { OwnerReference } from '../../api/types.js';
import type { PortGroup } from '../endpointslice/desired.js';
import { addressTypeOf, type AddressType, type ServiceInfo } from '../endpointslice/model.js';
import { reconcileSliceSet, type SlicePlan } from '../endpointslice/slice-set.js';
import { endpointKey, managedByLabel, mirroringControllerName, portKey, serviceNameLabel, triggerTimeAnnotation, type Endpoint, type EndpointPort, type EndpointSlice } from '../endpointslice/slice.js';
import type { EndpointAddress, Endpoints } from '../endpoints/reconcile.js';

export const skipMirrorLabel = 'endpointslice.kubernetes.io/skip-mirror';
export const leaderElectionAnnotation = 'control-plane.alpha.kubernetes.io/leader';
const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
/** Upstream's --mirroring-max-endpoints-per-subset default. */
export const maxMirroredEndpointsPerSlice = 1000;

export interface MirrorInput {
  endpoints: Endpoints | undefined;
  service: ServiceInfo | undefined;
  /** Slices labelled managed-by the mirroring controller for this Service. */
  existing: readonly EndpointSlice[];
}

export function shouldMirror(endpoints: Endpoints | undefined, service: ServiceInfo | undefined): endpoints is Endpoints {
  if (!endpoints || !service || service.selector) return false;
  if (endpoints.metadata.labels?.[skipMirrorLabel] === 'true') return false;
  if (endpoints.metadata.annotations?.[leaderElectionAnnotation] !== undefined) return false;
  return true;
}

function isIP(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
}

function addressToEndpoint(a: EndpointAddress, ready: boolean): Endpoint {
  const ep: Endpoint = { addresses: [a.ip], conditions: { ready } };
  if (a.hostname) ep.hostname = a.hostname;
  if (a.nodeName) ep.nodeName = a.nodeName;
  if (a.targetRef) ep.targetRef = { ...a.targetRef };
  return ep;
}

/** Endpoints' subsets → wanted endpoints per address type and port list. */
export function mirroredEndpoints(endpoints: Endpoints): Map<AddressType, Map<string, PortGroup>> {
  const out = new Map<AddressType, Map<string, PortGroup>>();
  for (const subset of endpoints.subsets ?? []) {
    const ports: EndpointPort[] = (subset.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
    const key = portKey(ports);
    const add = (a: EndpointAddress, ready: boolean) => {
      if (!isIP(a.ip)) return;
      const type = addressTypeOf(a.ip);
      let groups = out.get(type);
      if (!groups) out.set(type, (groups = new Map()));
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { ports, endpoints: new Map() }));
      const ep = addressToEndpoint(a, ready);
      group.endpoints.set(endpointKey(ep), ep);
    };
    (subset.addresses ?? []).forEach((a) => add(a, true));
    (subset.notReadyAddresses ?? []).forEach((a) => add(a, false));
  }
  return out;
}

function without(map: Record<string, string> | undefined, ...keys: string[]): Record<string, string> {
  const out = { ...(map ?? {}) };
  for (const k of keys) delete out[k];
  return out;
}

export function endpointsOwnerReference(e: Endpoints): OwnerReference {
  return { apiVersion: 'v1', kind: 'Endpoints', name: e.metadata.name ?? '', uid: e.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export function reconcileMirroredSlices(input: MirrorInput): SlicePlan {
  const { endpoints, service } = input;
  if (!shouldMirror(endpoints, service)) return { create: [], update: [], delete: [...input.existing] };
  const labels = { ...without(endpoints.metadata.labels, managedByLabel, serviceNameLabel), [serviceNameLabel]: service!.name, [managedByLabel]: mirroringControllerName };
  return reconcileSliceSet({
    namespace: endpoints.metadata.namespace ?? service!.namespace,
    namePrefix: `${endpoints.metadata.name}-`,
    owner: endpointsOwnerReference(endpoints),
    labels,
    annotations: without(endpoints.metadata.annotations, triggerTimeAnnotation, lastAppliedAnnotation),
    desired: mirroredEndpoints(endpoints),
    existing: input.existing,
    maxEndpointsPerSlice: maxMirroredEndpointsPerSlice,
    triggerTime: endpoints.metadata.annotations?.[triggerTimeAnnotation],
    placeholder: false,
  });
}
