/**
 * The `kube-system/kube-dns` Service of a standalone stack: the address pods' resolv.conf names
 * (10.96.0.10 by default), with no selector and hand-written Endpoints pointing at where svcnet
 * dns listens on this node (the pod bridge's gateway); the mirroring controller turns them into
 * EndpointSlices, and svcnet proxy routes the Service address to them as to any Service.
 */
import { findResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { isNotFound } from '../client/client-error.js';
import type { ApiClient } from '../client/rest.js';

const services = findResource('', 'v1', 'services')!;
const endpoints = findResource('', 'v1', 'endpoints')!;

const ports = [
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'dns-tcp', port: 53, protocol: 'TCP' },
  { name: 'metrics', port: 9153, protocol: 'TCP' },
];

async function createOrReplace(client: ApiClient, ri: typeof services, obj: KubeObject): Promise<void> {
  try {
    const current = await client.get(ri, 'kube-system', obj.metadata.name!);
    await client.update(ri, 'kube-system', { ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await client.create(ri, 'kube-system', obj);
  }
}

export async function ensureKubeDnsService(client: ApiClient, opts: { clusterIP: string; dnsAddress: string }): Promise<void> {
  const labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' };
  try {
    await client.get(services, 'kube-system', 'kube-dns');
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await client.create(services, 'kube-system', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels },
      spec: { clusterIP: opts.clusterIP, ports: ports.map((p) => ({ ...p, targetPort: p.port })) },
    });
  }
  await createOrReplace(client, endpoints, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels },
    subsets: [{ addresses: [{ ip: opts.dnsAddress }], ports }],
  });
}
