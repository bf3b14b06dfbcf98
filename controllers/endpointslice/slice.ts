/** EndpointSlice shapes (discovery.k8s.io/v1) and the helpers that compare and key them. */
import type { ObjectMeta } from '../../api/types.js';
import type { AddressType, Protocol } from './model.js';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const headlessLabel = 'service.kubernetes.io/headless';
export const triggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time';
export const endpointSliceControllerName = 'endpointslice-controller.k8s.io';
export const mirroringControllerName = 'endpointslicemirroring-controller.k8s.io';

export interface EndpointPort {
  name: string;
  port: number;
  protocol: Protocol;
  appProtocol?: string;
}

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  [extra: string]: unknown;
}

export interface Endpoint {
  addresses: string[];
  conditions: EndpointConditions;
  hostname?: string;
  targetRef?: ObjectRef;
  nodeName?: string;
  zone?: string;
  [extra: string]: unknown;
}

export interface EndpointSlice {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  metadata: ObjectMeta;
  addressType: AddressType | 'FQDN';
  endpoints: Endpoint[];
  ports: EndpointPort[];
  [extra: string]: unknown;
}

/** JSON with sorted keys and undefined dropped, so objects from the wire compare with ours. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return value;
  });
}

/** Slices group endpoints by their exact port list; order does not matter (upstream NewPortMapKey). */
export function portKey(ports: readonly EndpointPort[] | undefined): string {
  const parts = (ports ?? []).map((p) => `${p.name}/${p.protocol}/${p.port}/${p.appProtocol ?? ''}`);
  return parts.sort().join(',');
}

/** Identity of an endpoint across updates: addresses, hostname and target (upstream hashEndpoint). */
export function endpointKey(e: Endpoint): string {
  const t = e.targetRef;
  return [[...e.addresses].sort().join(','), e.hostname ?? '', t?.namespace ?? '', t?.name ?? ''].join('|');
}

export function endpointsEqual(a: Endpoint, b: Endpoint): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function labelsEqual(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const ea = Object.entries(a ?? {});
  if (ea.length !== Object.keys(b ?? {}).length) return false;
  return ea.every(([k, v]) => (b ?? {})[k] === v);
}

/** An ordered set of endpoints keyed by endpointKey. */
export type EndpointSet = Map<string, Endpoint>;
