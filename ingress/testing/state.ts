/** Small builders for ClusterState in tests and benchmarks. */
import type { BackendRef, ClusterState, IngressInfo, IngressPath, PathType, ServiceInfo, SliceInfo } from '../model.js';

export function emptyState(): ClusterState {
  return { ingresses: [], classes: [], services: [], slices: [], secrets: [] };
}

export function path(p: string, pathType: PathType, service: string, port: number | string = 80): IngressPath {
  return { path: p, pathType, backend: { service, port } };
}

let created = 1_000;
export function ingress(name: string, parts: Partial<IngressInfo> & { host?: string; paths?: IngressPath[] } = {}): IngressInfo {
  const { host, paths, ...rest } = parts;
  return {
    namespace: 'default',
    name,
    uid: `uid-${name}`,
    createdMs: created++,
    className: undefined,
    legacyClass: undefined,
    annotations: {},
    defaultBackend: undefined,
    rules: paths ? [{ host: host ?? '', paths }] : [],
    tls: [],
    ...rest,
  };
}

/** A Service with one port named `http` and its slice with the given ready addresses. */
export function serviceWithEndpoints(name: string, addresses: string[], opts: { port?: number; targetPort?: number; namespace?: string; notReady?: string[] } = {}): { service: ServiceInfo; slice: SliceInfo } {
  const ns = opts.namespace ?? 'default';
  const port = opts.port ?? 80;
  const targetPort = opts.targetPort ?? 8080;
  return {
    service: { namespace: ns, name, ports: [{ name: 'http', port, targetPort, protocol: 'TCP' }] },
    slice: {
      namespace: ns,
      name: `${name}-abc`,
      service: name,
      ports: [{ name: 'http', port: targetPort, protocol: 'TCP' }],
      endpoints: [...addresses.map((a) => ({ addresses: [a], ready: true })), ...(opts.notReady ?? []).map((a) => ({ addresses: [a], ready: false }))],
    },
  };
}

export function withServices(state: ClusterState, ...svcs: { service: ServiceInfo; slice: SliceInfo }[]): ClusterState {
  return { ...state, services: [...state.services, ...svcs.map((s) => s.service)], slices: [...state.slices, ...svcs.map((s) => s.slice)] };
}

export function backend(service: string, port: number | string = 80): BackendRef {
  return { service, port };
}
