/**
 * What a new cluster has before anyone writes to it: the four system namespaces and the
 * `default/kubernetes` Service (first address of the service range, 443/TCP) with its Endpoints
 * and EndpointSlice pointing at this API server. Idempotent: on a restart it only corrects what
 * changed (a new node address or port).
 */
import { ApiError } from '../errors.js';
import { findResource } from '../resources.js';
import type { KubeObject } from '../types.js';
import type { Registry } from '../registry/registry.js';
import { nthAddress } from '../registry/ip.js';

const r = (group: string, version: string, resource: string) => findResource(group, version, resource)!;

export interface BootstrapOptions {
  /** The address pods and other nodes reach the API server at (must not be loopback). */
  advertiseAddress: string;
  port: number;
}

function ensure(registry: Registry, resource: ReturnType<typeof r>, ns: string | undefined, desired: KubeObject, same: (cur: KubeObject) => boolean): void {
  const current = registry.tryGet(resource, ns, desired.metadata.name!);
  if (!current) {
    registry.create(resource, ns, desired);
    return;
  }
  if (same(current)) return;
  registry.update(resource, ns, desired.metadata.name!, { ...desired, metadata: { ...current.metadata } });
}

export function bootstrapCluster(registry: Registry, opts: BootstrapOptions): void {
  const namespaces = r('', 'v1', 'namespaces');
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    if (!registry.tryGet(namespaces, undefined, name)) registry.create(namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  const services = r('', 'v1', 'services');
  const firstIP = nthAddress(registry.allocator.cidr, 1);
  if (!registry.tryGet(services, 'default', 'kubernetes')) {
    try {
      registry.create(services, 'default', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { type: 'ClusterIP', clusterIP: firstIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.port }], sessionAffinity: 'None' },
      });
    } catch (err) {
      if (!(err instanceof ApiError && err.httpCode === 409)) throw err;
    }
  }
  const address = opts.advertiseAddress;
  const endpoints: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: address }], ports: [{ name: 'https', port: opts.port, protocol: 'TCP' }] }],
  };
  ensure(registry, r('', 'v1', 'endpoints'), 'default', endpoints, (cur) => JSON.stringify(cur.subsets) === JSON.stringify(endpoints.subsets));
  const slice: KubeObject = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [address], conditions: { ready: true } }],
    ports: [{ name: 'https', port: opts.port, protocol: 'TCP' }],
  };
  ensure(registry, r('discovery.k8s.io', 'v1', 'endpointslices'), 'default', slice, (cur) => JSON.stringify([cur.endpoints, cur.ports]) === JSON.stringify([slice.endpoints, slice.ports]));
}
