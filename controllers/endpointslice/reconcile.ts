/**
 * reconcileEndpointSlices: a Service, its pods and the slices that exist → the slices to create,
 * update and delete. Pure. Follows upstream's reconciler so that a change touches as few slices as
 * possible: existing slices keep the endpoints still wanted and are updated in place; new endpoints
 * go first into slices already being updated, then into the unchanged slice they fit best, and
 * only then into new slices; a slice about to be deleted is reused instead of creating one.
 */
import type { OwnerReference } from '../../api/types.js';
import { computeDesiredEndpoints, type PortGroup } from './desired.js';
import type { AddressType, NodeInfo, PodInfo, ServiceInfo } from './model.js';
import {
  canonicalJson,
  endpointKey,
  endpointSliceControllerName,
  endpointsEqual,
  headlessLabel,
  labelsEqual,
  managedByLabel,
  portKey,
  serviceNameLabel,
  triggerTimeAnnotation,
  type Endpoint,
  type EndpointPort,
  type EndpointSet,
  type EndpointSlice,
} from './slice.js';

export const defaultMaxEndpointsPerSlice = 100;

export interface SliceReconcileInput {
  service: ServiceInfo;
  pods: readonly PodInfo[];
  nodes: ReadonlyMap<string, NodeInfo>;
  /** The slices this controller manages for the Service (label service-name + managed-by). */
  existing: readonly EndpointSlice[];
  maxEndpointsPerSlice?: number;
  /** RFC 3339 time of the earliest change since the last sync; written on created/updated slices. */
  triggerTime?: string;
}

export interface SliceWrites {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** Pods left out because their node is not known yet (the caller retries later). */
  podsWithUnknownNode: string[];
}

export function serviceOwnerReference(svc: ServiceInfo): OwnerReference {
  return { apiVersion: 'v1', kind: 'Service', name: svc.name, uid: svc.uid, controller: true, blockOwnerDeletion: true };
}

function ownedBy(slice: EndpointSlice, svc: ServiceInfo): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.kind === 'Service' && o.uid === svc.uid);
}

/** Service labels are copied except the ones the controller owns (upstream setEndpointSliceLabels). */
export function desiredSliceLabels(svc: ServiceInfo, controllerName: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.labels)) {
    if (k === serviceNameLabel || k === managedByLabel || k === headlessLabel) continue;
    labels[k] = v;
  }
  labels[serviceNameLabel] = svc.name;
  labels[managedByLabel] = controllerName;
  if (svc.headless) labels[headlessLabel] = '';
  return labels;
}

/** generateName for a Service's slices (upstream getEndpointSlicePrefix). */
export function slicePrefix(serviceName: string): string {
  const prefix = `${serviceName}-`;
  return prefix.length <= 253 - 5 ? prefix : serviceName;
}

function newSlice(svc: ServiceInfo, addressType: AddressType, ports: EndpointPort[], triggerTime: string | undefined): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: slicePrefix(svc.name),
      namespace: svc.namespace,
      labels: desiredSliceLabels(svc, endpointSliceControllerName),
      annotations: triggerTime ? { [triggerTimeAnnotation]: triggerTime } : {},
      ownerReferences: [serviceOwnerReference(svc)],
    },
    addressType,
    endpoints: [],
    ports: ports.map((p) => ({ ...p })),
  };
}

function withTriggerTime(slice: EndpointSlice, triggerTime: string | undefined): EndpointSlice {
  if (!triggerTime) return slice;
  return { ...slice, metadata: { ...slice.metadata, annotations: { ...(slice.metadata.annotations ?? {}), [triggerTimeAnnotation]: triggerTime } } };
}

/** Upstream's placeholder: a Service with no endpoints still has one empty slice. */
function isPlaceholderFor(slice: EndpointSlice, placeholder: EndpointSlice): boolean {
  return (
    slice.addressType === placeholder.addressType &&
    slice.endpoints.length === 0 &&
    (slice.ports ?? []).length === 0 &&
    labelsEqual(slice.metadata.labels, placeholder.metadata.labels) &&
    canonicalJson(slice.metadata.ownerReferences) === canonicalJson(placeholder.metadata.ownerReferences)
  );
}

interface Plan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

/** Fills `slice` from `desired` (in order) until it is full; returns how many went in. */
function fill(slice: EndpointSlice, desired: EndpointSet, max: number): number {
  let n = 0;
  for (const [key, ep] of desired) {
    if (slice.endpoints.length >= max) break;
    slice.endpoints.push(ep);
    desired.delete(key);
    n++;
  }
  return n;
}

/** The unchanged slice closest to full once `count` endpoints are added (upstream getSliceToFill). */
function sliceToFill(candidates: EndpointSlice[], count: number, max: number): EndpointSlice | undefined {
  let best: EndpointSlice | undefined;
  for (const s of candidates) {
    const room = max - s.endpoints.length;
    if (room < count) continue;
    if (!best || s.endpoints.length > best.endpoints.length) best = s;
  }
  return best;
}

function reconcilePortGroup(svc: ServiceInfo, addressType: AddressType, existing: EndpointSlice[], group: PortGroup, max: number, triggerTime: string | undefined, plan: Plan): void {
  const desired: EndpointSet = new Map(group.endpoints);
  const labels = desiredSliceLabels(svc, endpointSliceControllerName);
  const toUpdate: EndpointSlice[] = [];
  const unchanged: EndpointSlice[] = [];
  // 1. Keep what is still wanted in each slice; note the slices that change.
  for (const slice of existing) {
    const kept: Endpoint[] = [];
    let changed = !labelsEqual(slice.metadata.labels, labels);
    for (const ep of slice.endpoints ?? []) {
      const key = endpointKey(ep);
      const want = desired.get(key);
      if (!want) {
        changed = true;
        continue;
      }
      if (!endpointsEqual(want, ep)) changed = true;
      kept.push(want);
      desired.delete(key);
    }
    if (!changed) unchanged.push(slice);
    else if (kept.length === 0) plan.delete.push(slice);
    else toUpdate.push({ ...slice, metadata: { ...slice.metadata, labels }, endpoints: kept });
  }
  // 2. New endpoints go into the slices being written anyway, fullest first.
  toUpdate.sort((a, b) => b.endpoints.length - a.endpoints.length);
  for (const slice of toUpdate) if (desired.size > 0) fill(slice, desired, max);
  // 3. Then into the unchanged slice they fit best, else into new slices.
  while (desired.size > 0) {
    const target = desired.size < max ? sliceToFill(unchanged, desired.size, max) : undefined;
    if (target) {
      unchanged.splice(unchanged.indexOf(target), 1);
      const copy = { ...target, metadata: { ...target.metadata }, endpoints: [...target.endpoints] };
      fill(copy, desired, max);
      toUpdate.push(copy);
    } else {
      const slice = newSlice(svc, addressType, group.ports, triggerTime);
      fill(slice, desired, max);
      plan.create.push(slice);
    }
  }
  for (const s of toUpdate) plan.update.push(withTriggerTime(s, triggerTime));
}

function reconcileAddressType(input: SliceReconcileInput, addressType: AddressType, existing: EndpointSlice[], plan: Plan, unknownNodes: Set<string>): void {
  const max = input.maxEndpointsPerSlice ?? defaultMaxEndpointsPerSlice;
  const desired = computeDesiredEndpoints(input.service, input.pods, input.nodes, addressType);
  desired.podsWithUnknownNode.forEach((p) => unknownNodes.add(p));
  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    const key = portKey(s.ports);
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), s]);
  }
  for (const [key, group] of desired.groups) {
    reconcilePortGroup(input.service, addressType, existingByPorts.get(key) ?? [], group, max, input.triggerTime, plan);
  }
  // Port lists no endpoint has any more: their slices go (the placeholder check may keep one).
  for (const [key, slices] of existingByPorts) if (!desired.groups.has(key)) plan.delete.push(...slices);
}

/** Creates become updates of slices that would be deleted (same type, same owner): fewer names churn. */
function reuseDeletedNames(plan: Plan, svc: ServiceInfo): void {
  for (let i = 0; i < plan.delete.length && plan.create.length > 0; ) {
    const old = plan.delete[i];
    const created = plan.create[plan.create.length - 1];
    if (old.addressType === created.addressType && ownedBy(old, svc)) {
      plan.create.pop();
      const { generateName: _generated, ...meta } = created.metadata;
      plan.update.push({ ...created, metadata: { ...old.metadata, ...meta, name: old.metadata.name, resourceVersion: old.metadata.resourceVersion, uid: old.metadata.uid } });
      plan.delete.splice(i, 1);
    } else i++;
  }
}

export function reconcileEndpointSlices(input: SliceReconcileInput): SliceWrites {
  const svc = input.service;
  const plan: Plan = { create: [], update: [], delete: [] };
  const unknownNodes = new Set<string>();
  const families = new Set<AddressType>(svc.ipFamilies);
  const byType = new Map<AddressType, EndpointSlice[]>();
  for (const slice of input.existing) {
    const type = slice.addressType;
    if (!ownedBy(slice, svc) || type === 'FQDN' || !families.has(type)) plan.delete.push(slice);
    else byType.set(type, [...(byType.get(type) ?? []), slice]);
  }
  for (const family of families) reconcileAddressType(input, family, byType.get(family) ?? [], plan, unknownNodes);
  if (input.existing.length === plan.delete.length && plan.create.length === 0) {
    const placeholder = newSlice(svc, svc.ipFamilies[0], [], input.triggerTime);
    if (plan.delete.length === 1 && isPlaceholderFor(plan.delete[0], placeholder)) plan.delete = [];
    else plan.create.push(placeholder);
  }
  reuseDeletedNames(plan, svc);
  return { ...plan, podsWithUnknownNode: [...unknownNodes] };
}
