/** Builders for API objects in the endpoint controllers' tests (plain JSON, as on the wire). */
import type { KubeObject } from '../../api/types.js';

export interface PodSpecLite {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  ip?: string;
  ready?: boolean;
  phase?: string;
  nodeName?: string;
  terminating?: boolean;
  hostname?: string;
  subdomain?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  readySince?: string;
}

export function podObject(p: PodSpecLite): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace ?? 'default',
      uid: `uid-${p.name}`,
      labels: p.labels ?? { app: 'web' },
      ...(p.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: {
      ...(p.nodeName === undefined ? { nodeName: 'node-1' } : p.nodeName ? { nodeName: p.nodeName } : {}),
      ...(p.hostname ? { hostname: p.hostname } : {}),
      ...(p.subdomain ? { subdomain: p.subdomain } : {}),
      containers: [{ name: 'c', image: 'nginx', ports: p.ports ?? [] }],
    },
    status: {
      phase: p.phase ?? 'Running',
      ...(p.ip ? { podIP: p.ip, podIPs: [{ ip: p.ip }] } : {}),
      conditions: [{ type: 'Ready', status: p.ready === false ? 'False' : 'True', lastTransitionTime: p.readySince ?? '2026-01-01T00:00:00Z' }],
    },
  };
}

export interface ServiceSpecLite {
  name: string;
  namespace?: string;
  selector?: Record<string, string> | null;
  ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string }[];
  labels?: Record<string, string>;
  clusterIP?: string;
  publishNotReadyAddresses?: boolean;
  type?: string;
}

export function serviceObject(s: ServiceSpecLite): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, namespace: s.namespace ?? 'default', uid: `uid-svc-${s.name}`, labels: s.labels ?? {}, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: {
      type: s.type ?? 'ClusterIP',
      ...(s.selector === null ? {} : { selector: s.selector ?? { app: 'web' } }),
      clusterIP: s.clusterIP ?? '10.96.0.20',
      ipFamilies: ['IPv4'],
      ports: (s.ports ?? [{ port: 80 }]).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port, targetPort: p.targetPort ?? p.port })),
      ...(s.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
    },
  };
}

export function nodeObject(name: string, zone?: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}`, labels: zone ? { 'topology.kubernetes.io/zone': zone } : {} } };
}
