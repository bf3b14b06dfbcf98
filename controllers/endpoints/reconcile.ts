/**
 * reconcileEndpoints: a Service and the pods it selects → the core/v1 Endpoints object it should
 * have (what `kubectl get endpoints` shows), and whether the existing one must be written. Pure.
 * Follows upstream's endpoints controller: ready pods in `addresses`, others in
 * `notReadyAddresses`; addresses grouped into subsets by identical port lists; at most 1000
 * addresses, with the over-capacity annotation when truncated.
 */
import type { KubeObject, ObjectMeta } from '../../api/types.js';
import { endpointPorts } from '../endpointslice/desired.js';
import { endpointHostname, podIPOfFamily, shouldPodBeInEndpoints, type PodInfo, type ServiceInfo } from '../endpointslice/model.js';
import { canonicalJson, headlessLabel, labelsEqual, triggerTimeAnnotation, type EndpointPort } from '../endpointslice/slice.js';

export const maxCapacity = 1000;
export const overCapacityAnnotation = 'endpoints.kubernetes.io/over-capacity';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace: string; name: string; uid: string; resourceVersion?: string };
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

export interface Endpoints extends KubeObject {
  apiVersion: 'v1';
  kind: 'Endpoints';
  metadata: ObjectMeta;
  subsets?: EndpointSubset[];
}

export type EndpointsWrite = { action: 'none' } | { action: 'create' | 'update'; endpoints: Endpoints };

function podAddress(pod: PodInfo, svc: ServiceInfo): EndpointAddress | undefined {
  const ip = podIPOfFamily(pod, svc.ipFamilies[0]) ?? (svc.headless ? pod.ips[0] : undefined);
  if (!ip) return undefined;
  const a: EndpointAddress = { ip };
  const hostname = endpointHostname(pod, svc);
  if (hostname) a.hostname = hostname;
  if (pod.nodeName) a.nodeName = pod.nodeName;
  a.targetRef = { kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid, ...(pod.resourceVersion ? { resourceVersion: pod.resourceVersion } : {}) };
  return a;
}

/** Upstream LessEndpointAddress: by IP (as text), then by target UID. */
function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

const portText = (p: EndpointPort) => `${p.name}/${p.port}/${p.protocol}/${p.appProtocol ?? ''}`;

/**
 * Upstream RepackSubsets: an address goes into the subset of exactly the ports it offers, so pods
 * resolving a named port differently land in different subsets. Sorted for stable output.
 */
export function repackSubsets(entries: { address: EndpointAddress; ready: boolean; ports: EndpointPort[] }[]): EndpointSubset[] {
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const e of entries) {
    const ports = [...e.ports].sort((a, b) => (portText(a) < portText(b) ? -1 : portText(a) > portText(b) ? 1 : 0));
    const key = ports.map(portText).join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    (e.ready ? g.ready : g.notReady).push(e.address);
  }
  const subsets = [...groups.values()].map((g) => {
    const s: EndpointSubset = {};
    if (g.ready.length) s.addresses = g.ready.sort(compareAddresses);
    if (g.notReady.length) s.notReadyAddresses = g.notReady.sort(compareAddresses);
    if (g.ports.length) s.ports = g.ports;
    return s;
  });
  const first = (s: EndpointSubset) => (s.addresses ?? s.notReadyAddresses ?? [])[0]?.ip ?? '';
  return subsets.sort((a, b) => (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0));
}

export function computeSubsets(svc: ServiceInfo, pods: readonly PodInfo[]): EndpointSubset[] {
  const entries: { address: EndpointAddress; ready: boolean; ports: EndpointPort[] }[] = [];
  for (const pod of pods) {
    // Terminating pods are published only with publishNotReadyAddresses (upstream tolerateUnready).
    if (!shouldPodBeInEndpoints(pod, svc.publishNotReadyAddresses)) continue;
    const address = podAddress(pod, svc);
    if (!address) continue;
    const ready = svc.publishNotReadyAddresses || pod.ready;
    if (svc.ports.length === 0) {
      // Only a headless Service without ports publishes bare addresses.
      if (svc.headless) entries.push({ address, ready, ports: [] });
      continue;
    }
    const ports = endpointPorts(svc, pod);
    if (ports.length > 0) entries.push({ address, ready, ports });
  }
  return repackSubsets(entries);
}

/**
 * Upstream truncateEndpoints: over 1000 addresses, not-ready ones go first; if ready ones alone
 * are too many, every subset keeps its proportional share of them.
 */
export function truncateSubsets(subsets: EndpointSubset[]): { subsets: EndpointSubset[]; truncated: boolean } {
  const totalReady = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const totalNotReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (totalReady + totalNotReady <= maxCapacity) return { subsets, truncated: false };
  const truncateReady = totalReady > maxCapacity;
  const max = truncateReady ? maxCapacity : maxCapacity - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let room = max;
  const out = subsets.map((s) => {
    const list = (truncateReady ? s.addresses : s.notReadyAddresses) ?? [];
    const share = Math.min(Math.ceil((list.length / total) * max), room);
    const kept = list.slice(0, share);
    room -= kept.length;
    const next: EndpointSubset = { ...s };
    if (truncateReady) {
      next.addresses = kept;
      delete next.notReadyAddresses;
    } else if (kept.length) next.notReadyAddresses = kept;
    else delete next.notReadyAddresses;
    return next;
  });
  return { subsets: out.filter((s) => (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0) > 0), truncated: true };
}

/** The pod resourceVersion in targetRef changes on every pod write; it alone is no reason to write. */
function subsetsText(subsets: EndpointSubset[] | undefined): string {
  const strip = (list: EndpointAddress[] | undefined) => list?.map((a) => (a.targetRef ? { ...a, targetRef: { ...a.targetRef, resourceVersion: undefined } } : a));
  return canonicalJson((subsets ?? []).map((s) => ({ ...s, addresses: strip(s.addresses), notReadyAddresses: strip(s.notReadyAddresses) })));
}

export function desiredEndpointsLabels(svc: ServiceInfo): Record<string, string> {
  const labels: Record<string, string> = { ...svc.labels };
  if (svc.headless) labels[headlessLabel] = '';
  else delete labels[headlessLabel];
  return labels;
}

export function reconcileEndpoints(svc: ServiceInfo, pods: readonly PodInfo[], existing: Endpoints | undefined, triggerTime: string | undefined): EndpointsWrite {
  const { subsets, truncated } = truncateSubsets(computeSubsets(svc, pods));
  const labels = desiredEndpointsLabels(svc);
  const annotations = { ...(existing?.metadata.annotations ?? {}) };
  if (
    existing &&
    subsetsText(existing.subsets) === subsetsText(subsets) &&
    labelsEqual(existing.metadata.labels, labels) &&
    (overCapacityAnnotation in annotations) === truncated
  ) {
    return { action: 'none' };
  }
  if (triggerTime) annotations[triggerTimeAnnotation] = triggerTime;
  else delete annotations[triggerTimeAnnotation];
  if (truncated) annotations[overCapacityAnnotation] = 'truncated';
  else delete annotations[overCapacityAnnotation];
  const metadata: ObjectMeta = existing ? { ...existing.metadata, labels, annotations } : { name: svc.name, namespace: svc.namespace, labels, annotations };
  const endpoints: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata, subsets };
  return { action: existing ? 'update' : 'create', endpoints };
}
