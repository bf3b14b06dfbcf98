/**
 * reconcileEndpointSlices: a Service, its pods and the slices that exist → the slices to create,
 * update and delete. Pure. What the slices hold comes from desired.ts; where each endpoint goes
 * (few writes, slices updated in place, a placeholder when empty) from slice-set.ts.
 */
import type { OwnerReference } from '../../api/types.js';
import { computeDesiredEndpoints, type PortGroup } from './desired.js';
import type { AddressType, NodeInfo, PodInfo, ServiceInfo } from './model.js';
import { reconcileSliceSet } from './slice-set.js';
import { endpointSliceControllerName, headlessLabel, managedByLabel, serviceNameLabel, type EndpointSlice } from './slice.js';

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

export function reconcileEndpointSlices(input: SliceReconcileInput): SliceWrites {
  const svc = input.service;
  const unknownNodes = new Set<string>();
  const desired = new Map<AddressType, Map<string, PortGroup>>();
  for (const family of svc.ipFamilies) {
    const d = computeDesiredEndpoints(svc, input.pods, input.nodes, family);
    d.podsWithUnknownNode.forEach((p) => unknownNodes.add(p));
    desired.set(family, d.groups);
  }
  const plan = reconcileSliceSet({
    namespace: svc.namespace,
    namePrefix: slicePrefix(svc.name),
    owner: serviceOwnerReference(svc),
    labels: desiredSliceLabels(svc, endpointSliceControllerName),
    annotations: {},
    desired,
    existing: input.existing,
    maxEndpointsPerSlice: input.maxEndpointsPerSlice ?? defaultMaxEndpointsPerSlice,
    triggerTime: input.triggerTime,
    placeholder: true,
  });
  return { ...plan, podsWithUnknownNode: [...unknownNodes] };
}
