/**
 * The small internal types the endpoint controllers compute with, converted from API objects at
 * the edge (design.md: keep API objects at the edge). Only the fields in use are kept.
 */
import type { KubeObject } from '../../api/types.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type AddressType = 'IPv4' | 'IPv6';

export interface ServicePortInfo {
  name: string;
  port: number;
  protocol: Protocol;
  targetPort: number | string;
  appProtocol?: string;
}

export interface ServiceInfo {
  namespace: string;
  name: string;
  uid: string;
  labels: Readonly<Record<string, string>>;
  /** undefined = no selector (the Service's endpoints are written by someone else). */
  selector?: Readonly<Record<string, string>>;
  type: string;
  headless: boolean;
  publishNotReadyAddresses: boolean;
  ipFamilies: AddressType[];
  ports: ServicePortInfo[];
  creationTimestamp?: string;
}

export interface ContainerPortInfo {
  name?: string;
  containerPort: number;
  protocol: Protocol;
}

export interface PodInfo {
  namespace: string;
  name: string;
  uid: string;
  resourceVersion?: string;
  labels: Readonly<Record<string, string>>;
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  phase?: string;
  ips: string[];
  ready: boolean;
  /** lastTransitionTime of the Ready condition: the endpoints' change trigger time. */
  readyTransitionTime?: string;
  terminating: boolean;
  containerPorts: ContainerPortInfo[];
}

export interface NodeInfo {
  name: string;
  zone?: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strMap = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(obj(v)).filter(([, x]) => typeof x === 'string')) as Record<string, string>;

function protocolOf(v: unknown): Protocol {
  return v === 'UDP' || v === 'SCTP' ? v : 'TCP';
}

export function addressTypeOf(ip: string): AddressType {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

export function toServiceInfo(svc: KubeObject): ServiceInfo {
  const spec = obj(svc.spec);
  // An empty selector does not survive a round trip through the API (Go drops empty maps): none.
  const selectorMap = strMap(spec.selector);
  const selector = Object.keys(selectorMap).length ? selectorMap : undefined;
  const families = arr(spec.ipFamilies).filter((f): f is AddressType => f === 'IPv4' || f === 'IPv6');
  const clusterIP = str(spec.clusterIP);
  return {
    namespace: svc.metadata.namespace ?? '',
    name: svc.metadata.name ?? '',
    uid: svc.metadata.uid ?? '',
    labels: svc.metadata.labels ?? {},
    selector,
    type: str(spec.type) ?? 'ClusterIP',
    headless: clusterIP === 'None',
    publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
    // Before the API server defaults families, or when a headless Service has none: by the cluster IP.
    ipFamilies: families.length ? families : [clusterIP && clusterIP !== 'None' ? addressTypeOf(clusterIP) : 'IPv4'],
    ports: arr(spec.ports).map((p) => {
      const port = obj(p);
      const target = port.targetPort;
      return {
        name: str(port.name) ?? '',
        port: Number(port.port),
        protocol: protocolOf(port.protocol),
        targetPort: typeof target === 'number' || (typeof target === 'string' && target !== '') ? target : Number(port.port),
        appProtocol: str(port.appProtocol),
      };
    }),
    creationTimestamp: svc.metadata.creationTimestamp,
  };
}

export function toPodInfo(pod: KubeObject): PodInfo {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const ready = arr(status.conditions).map(obj).find((c) => c.type === 'Ready');
  const podIPs = arr(status.podIPs).map((x) => str(obj(x).ip)).filter((x): x is string => !!x);
  const podIP = str(status.podIP);
  const containerPorts = arr(spec.containers).flatMap((c) =>
    arr(obj(c).ports).map((p) => {
      const port = obj(p);
      return { name: str(port.name), containerPort: Number(port.containerPort), protocol: protocolOf(port.protocol) };
    }),
  );
  return {
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name ?? '',
    uid: pod.metadata.uid ?? '',
    resourceVersion: pod.metadata.resourceVersion,
    labels: pod.metadata.labels ?? {},
    nodeName: str(spec.nodeName) || undefined,
    hostname: str(spec.hostname) || undefined,
    subdomain: str(spec.subdomain) || undefined,
    phase: str(status.phase),
    ips: podIPs.length ? podIPs : podIP ? [podIP] : [],
    ready: ready?.status === 'True',
    readyTransitionTime: str(ready?.lastTransitionTime),
    terminating: !!pod.metadata.deletionTimestamp,
    containerPorts,
  };
}

export function toNodeInfo(node: KubeObject): NodeInfo {
  const labels = node.metadata.labels ?? {};
  return { name: node.metadata.name ?? '', zone: labels['topology.kubernetes.io/zone'] || labels['failure-domain.beta.kubernetes.io/zone'] || undefined };
}

export function selectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

/**
 * Which pods count at all (upstream ShouldPodBeInEndpoints): a pod needs an IP and must not have
 * finished; terminating pods count only when `includeTerminating`.
 */
export function shouldPodBeInEndpoints(pod: PodInfo, includeTerminating: boolean): boolean {
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return false;
  if (pod.ips.length === 0) return false;
  if (!includeTerminating && pod.terminating) return false;
  return true;
}

/**
 * The container port a Service port reaches on this pod (upstream FindPort): a number is used
 * as is; a name is looked up in the pod's container ports with the same protocol.
 */
export function findTargetPort(pod: PodInfo, port: ServicePortInfo): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  const found = pod.containerPorts.find((c) => c.name === port.targetPort && c.protocol === port.protocol);
  return found?.containerPort;
}

/** `spec.hostname` is published only for pods whose subdomain names this Service (DNS A records for pets). */
export function endpointHostname(pod: PodInfo, svc: ServiceInfo): string | undefined {
  return pod.hostname && pod.subdomain === svc.name && pod.namespace === svc.namespace ? pod.hostname : undefined;
}

export function podIPOfFamily(pod: PodInfo, family: AddressType): string | undefined {
  return pod.ips.find((ip) => addressTypeOf(ip) === family);
}
