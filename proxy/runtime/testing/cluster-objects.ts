/** API objects for the kernel tests and the benchmark: Services, EndpointSlices and a Node. */
import type { KubeObject } from '../../../api/types.js';
import { findResource } from '../../../api/resources.js';
import type { ApiClient, ResourceType } from '../../../client/rest.js';

export const servicesResource = findResource('', 'v1', 'services')! as ResourceType;
export const sliceResource = findResource('discovery.k8s.io', 'v1', 'endpointslices')! as ResourceType;
export const nodesResource = findResource('', 'v1', 'nodes')! as ResourceType;

export interface EndpointSpec {
  readonly ip: string;
  readonly nodeName?: string;
  readonly ready?: boolean;
}

export function serviceObject(name: string, spec: Record<string, unknown>, namespace = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec } as unknown as KubeObject;
}

/** One slice for an unnamed (or named) port, as the EndpointSlice controller would write it. */
export function sliceObject(service: string, endpoints: readonly EndpointSpec[], opts: { port?: number; portName?: string; protocol?: string; namespace?: string; name?: string } = {}): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: opts.name ?? `${service}-svcnet`,
      namespace: opts.namespace ?? 'default',
      labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'svcnet-test' },
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': new Date().toISOString() },
    },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true, serving: e.ready ?? true, terminating: false }, ...(e.nodeName ? { nodeName: e.nodeName } : {}) })),
    ports: [{ name: opts.portName ?? '', port: opts.port ?? 8080, protocol: opts.protocol ?? 'TCP' }],
  } as unknown as KubeObject;
}

export function nodeObject(name: string, internalIP: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: { addresses: [{ type: 'InternalIP', address: internalIP }, { type: 'Hostname', address: name }] },
  } as unknown as KubeObject;
}

export async function createAll(client: ApiClient, objects: readonly KubeObject[]): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const o of objects) {
    const ri = o.kind === 'Service' ? servicesResource : o.kind === 'Node' ? nodesResource : sliceResource;
    out.push(await client.create(ri, o.metadata.namespace, o));
  }
  return out;
}
