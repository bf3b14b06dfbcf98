/**
 * reconcileSliceSet: the placement algorithm both slice writers share (the EndpointSlice
 * controller and mirroring), as upstream's reconcilers do it. Given the endpoints wanted per
 * address type and port list, and the slices that exist, it says which to create, update and
 * delete, touching as few slices as possible: existing slices keep the endpoints still wanted and
 * are updated in place; new endpoints go first into slices already being updated, then into the
 * unchanged slice they fit best, and only then into new slices; a slice about to be deleted is
 * reused instead of creating one. Pure.
 */
import type { OwnerReference } from '../../api/types.js';
import type { PortGroup } from './desired.js';
import type { AddressType } from './model.js';
import { canonicalJson, endpointKey, endpointsEqual, labelsEqual, portKey, triggerTimeAnnotation, type Endpoint, type EndpointPort, type EndpointSet, type EndpointSlice } from './slice.js';

export interface SliceSetSpec {
  namespace: string;
  /** generateName of new slices. */
  namePrefix: string;
  owner: OwnerReference;
  /** Exactly these labels on every slice. */
  labels: Record<string, string>;
  /** Exactly these annotations on every slice, besides the trigger time. */
  annotations: Record<string, string>;
  /** Wanted endpoints per address type, then per portKey. Address types absent here lose their slices. */
  desired: ReadonlyMap<AddressType, ReadonlyMap<string, PortGroup>>;
  existing: readonly EndpointSlice[];
  maxEndpointsPerSlice: number;
  /** Written on created and updated slices when set. */
  triggerTime?: string;
  /** Keep one empty slice when there are no endpoints at all (the EndpointSlice controller does). */
  placeholder: boolean;
}

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

function ownedBy(slice: EndpointSlice, owner: OwnerReference): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.kind === owner.kind && o.uid === owner.uid);
}

function annotationsWanted(spec: SliceSetSpec, current: Record<string, string> | undefined): Record<string, string> {
  const trigger = spec.triggerTime ?? current?.[triggerTimeAnnotation];
  return trigger ? { ...spec.annotations, [triggerTimeAnnotation]: trigger } : { ...spec.annotations };
}

/** Annotations other than the trigger time differ: the slice needs a write. */
function annotationsDiffer(spec: SliceSetSpec, current: Record<string, string> | undefined): boolean {
  const { [triggerTimeAnnotation]: _t, ...rest } = current ?? {};
  return !labelsEqual(rest, spec.annotations);
}

function newSlice(spec: SliceSetSpec, addressType: AddressType, ports: readonly EndpointPort[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: spec.namePrefix,
      namespace: spec.namespace,
      labels: { ...spec.labels },
      annotations: annotationsWanted(spec, undefined),
      ownerReferences: [{ ...spec.owner }],
    },
    addressType,
    endpoints: [],
    ports: ports.map((p) => ({ ...p })),
  };
}

function withMeta(spec: SliceSetSpec, slice: EndpointSlice): EndpointSlice {
  return { ...slice, metadata: { ...slice.metadata, labels: { ...spec.labels }, annotations: annotationsWanted(spec, slice.metadata.annotations) } };
}

function fill(slice: EndpointSlice, desired: EndpointSet, max: number): void {
  for (const [key, ep] of desired) {
    if (slice.endpoints.length >= max) break;
    slice.endpoints.push(ep);
    desired.delete(key);
  }
}

/** The unchanged slice closest to full once `count` endpoints are added (upstream getSliceToFill). */
function sliceToFill(candidates: EndpointSlice[], count: number, max: number): EndpointSlice | undefined {
  let best: EndpointSlice | undefined;
  for (const s of candidates) {
    if (max - s.endpoints.length < count) continue;
    if (!best || s.endpoints.length > best.endpoints.length) best = s;
  }
  return best;
}

function reconcilePortGroup(spec: SliceSetSpec, addressType: AddressType, existing: EndpointSlice[], group: PortGroup, plan: SlicePlan): void {
  const max = spec.maxEndpointsPerSlice;
  const desired: EndpointSet = new Map(group.endpoints);
  const toUpdate: EndpointSlice[] = [];
  const unchanged: EndpointSlice[] = [];
  // 1. Keep what is still wanted in each slice; note the slices that change.
  for (const slice of existing) {
    const kept: Endpoint[] = [];
    let changed = !labelsEqual(slice.metadata.labels, spec.labels) || annotationsDiffer(spec, slice.metadata.annotations);
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
    else toUpdate.push({ ...slice, endpoints: kept });
  }
  // 2. New endpoints go into the slices being written anyway, fullest first.
  toUpdate.sort((a, b) => b.endpoints.length - a.endpoints.length);
  for (const slice of toUpdate) if (desired.size > 0) fill(slice, desired, max);
  // 3. Then into the unchanged slice they fit best, else into new slices.
  while (desired.size > 0) {
    const target = desired.size < max ? sliceToFill(unchanged, desired.size, max) : undefined;
    if (target) {
      unchanged.splice(unchanged.indexOf(target), 1);
      const copy = { ...target, endpoints: [...target.endpoints] };
      fill(copy, desired, max);
      toUpdate.push(copy);
    } else {
      const slice = newSlice(spec, addressType, group.ports);
      fill(slice, desired, max);
      plan.create.push(slice);
    }
  }
  for (const s of toUpdate) plan.update.push(withMeta(spec, s));
}

function reconcileAddressType(spec: SliceSetSpec, addressType: AddressType, groups: ReadonlyMap<string, PortGroup>, existing: EndpointSlice[], plan: SlicePlan): void {
  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    const key = portKey(s.ports);
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), s]);
  }
  for (const [key, group] of groups) reconcilePortGroup(spec, addressType, existingByPorts.get(key) ?? [], group, plan);
  // Port lists no endpoint has any more: their slices go (the placeholder check may keep one).
  for (const [key, slices] of existingByPorts) if (!groups.has(key)) plan.delete.push(...slices);
}

function isPlaceholderFor(slice: EndpointSlice, placeholder: EndpointSlice): boolean {
  return (
    slice.addressType === placeholder.addressType &&
    (slice.endpoints ?? []).length === 0 &&
    (slice.ports ?? []).length === 0 &&
    labelsEqual(slice.metadata.labels, placeholder.metadata.labels) &&
    canonicalJson(slice.metadata.ownerReferences) === canonicalJson(placeholder.metadata.ownerReferences)
  );
}

/** Creates become updates of slices that would be deleted (same type, same owner): fewer names churn. */
function reuseDeletedNames(plan: SlicePlan, owner: OwnerReference): void {
  for (let i = 0; i < plan.delete.length && plan.create.length > 0; ) {
    const old = plan.delete[i];
    const created = plan.create[plan.create.length - 1];
    if (old.addressType === created.addressType && ownedBy(old, owner)) {
      plan.create.pop();
      const { generateName: _generated, ...meta } = created.metadata;
      plan.update.push({ ...created, metadata: { ...old.metadata, ...meta, name: old.metadata.name, resourceVersion: old.metadata.resourceVersion, uid: old.metadata.uid } });
      plan.delete.splice(i, 1);
    } else i++;
  }
}

/** Servers may send empty lists as null or leave them out. */
function normalized(slice: EndpointSlice): EndpointSlice {
  return Array.isArray(slice.endpoints) && Array.isArray(slice.ports) ? slice : { ...slice, endpoints: slice.endpoints ?? [], ports: slice.ports ?? [] };
}

export function reconcileSliceSet(input: SliceSetSpec): SlicePlan {
  const spec = { ...input, existing: input.existing.map(normalized) };
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const byType = new Map<AddressType, EndpointSlice[]>();
  for (const slice of spec.existing) {
    const type = slice.addressType;
    if (!ownedBy(slice, spec.owner) || type === 'FQDN' || !spec.desired.has(type)) plan.delete.push(slice);
    else byType.set(type, [...(byType.get(type) ?? []), slice]);
  }
  for (const [type, groups] of spec.desired) reconcileAddressType(spec, type, groups, byType.get(type) ?? [], plan);
  const firstType = [...spec.desired.keys()][0];
  if (spec.placeholder && firstType && spec.existing.length === plan.delete.length && plan.create.length === 0) {
    const placeholder = newSlice(spec, firstType, []);
    if (plan.delete.length === 1 && isPlaceholderFor(plan.delete[0], placeholder)) plan.delete = [];
    else plan.create.push(placeholder);
  }
  reuseDeletedNames(plan, spec.owner);
  return plan;
}
