/**
 * Test helpers on a real API server (testing/api-fixture.ts): a client, and the kubelet's part
 * played by hand (nodes, pod status), since the node agent is another component.
 */
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { loadConnection } from '../../client/kubeconfig.js';
import { ApiClient } from '../../client/rest.js';
import { startApiFixture, type ApiFixture } from '../../testing/api-fixture.js';

export const ri = {
  pods: findResource('', 'v1', 'pods')!,
  services: findResource('', 'v1', 'services')!,
  nodes: findResource('', 'v1', 'nodes')!,
  endpoints: findResource('', 'v1', 'endpoints')!,
  endpointSlices: findResource('discovery.k8s.io', 'v1', 'endpointslices')!,
  events: findResource('', 'v1', 'events')!,
};

export interface TestCluster {
  fx: ApiFixture;
  client: ApiClient;
  close(): Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const fx = await startApiFixture();
  const client = new ApiClient(await loadConnection({ path: fx.server.kubeconfigPath }));
  return {
    fx,
    client,
    close: async () => {
      client.close();
      await fx.close();
    },
  };
}

export async function createNode(client: ApiClient, name: string, internalIP: string, opts: { ready?: boolean; zone?: string } = {}): Promise<KubeObject> {
  await client.create(ri.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(opts.zone ? { 'topology.kubernetes.io/zone': opts.zone } : {}) } } });
  return setNodeStatus(client, name, internalIP, opts.ready ?? true);
}

export async function setNodeStatus(client: ApiClient, name: string, internalIP: string, ready: boolean): Promise<KubeObject> {
  const status = {
    addresses: [{ type: 'InternalIP', address: internalIP }, { type: 'Hostname', address: name }],
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'KubeletNotReady', lastHeartbeatTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), lastTransitionTime: '2026-01-01T00:00:00Z' }],
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
  };
  return client.patchStatus(ri.nodes, undefined, name, { status }, 'merge');
}

export function podManifest(namespace: string, name: string, labels: Record<string, string>, nodeName: string, ports: { name?: string; containerPort: number }[] = [{ containerPort: 80 }]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { nodeName, containers: [{ name: 'app', image: 'nginx', ports }] },
  };
}

/** What the kubelet reports once the pod runs: phase, IPs and the Ready condition. */
export function runningStatus(ip: string, ready: boolean, at = new Date()): Record<string, unknown> {
  const time = at.toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    status: {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      hostIP: '192.0.2.10',
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: time },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: time },
      ],
    },
  };
}

export async function setPodRunning(client: ApiClient, namespace: string, name: string, ip: string, ready: boolean): Promise<KubeObject> {
  return client.patchStatus(ri.pods, namespace, name, runningStatus(ip, ready), 'merge');
}

export { waitFor } from '../../testing/wait-for.js';
