/**
 * The edge: plain Kubernetes JSON (Service, EndpointSlice, Node) into the proxy model, as
 * kube-proxy's ServiceChangeTracker (serviceport.go) and EndpointSliceCache do. Input is treated as
 * untrusted: missing fields fall back to API defaults, bad values are skipped, nothing throws.
 */
import type { IPFamily } from './ip.js';
import { canonicalIP, formatCidr, ipFamilyOf, parseCidr } from './ip.js';
import type { Endpoint, Protocol, ProxyState, ServicePortEntry, ServicePortInfo } from './model.js';
import { compareServicePorts, endpointString } from './model.js';
import { sortEndpoints, type NodeTopology } from './endpoints.js';
import { logger } from '../common/log.js';

const log = logger('proxy');

/** API arrays as they arrive: anything that is not an array is empty, holes are dropped. */
function list<T>(value: T[] | null | undefined): NonNullable<T>[] {
  return Array.isArray(value) ? value.filter((v): v is NonNullable<T> => v !== null && v !== undefined && (typeof v !== 'object' || !Array.isArray(v))) : [];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function validPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 65536;
}

/** The parts of a v1 Service the proxy reads. */
export interface ServiceJson {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: Array<{ name?: string; protocol?: string; port?: number; nodePort?: number }>;
    externalIPs?: string[];
    loadBalancerSourceRanges?: string[];
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string;
    healthCheckNodePort?: number;
    trafficDistribution?: string;
  };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; ipMode?: string }> } };
}

/** The parts of a discovery.k8s.io/v1 EndpointSlice the proxy reads. */
export interface EndpointSliceJson {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  addressType?: string;
  endpoints?: Array<{
    addresses?: string[];
    conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
    nodeName?: string;
    zone?: string;
    hints?: { forZones?: Array<{ name?: string }> };
  }>;
  ports?: Array<{ name?: string | null; port?: number | null; protocol?: string }>;
}

export interface NodeJson {
  metadata?: { name?: string; labels?: Record<string, string> };
  status?: { addresses?: Array<{ type?: string; address?: string }> };
}

export interface ConversionContext {
  readonly ipFamily: IPFamily;
  /** This node's name: endpoints with this nodeName are local. */
  readonly nodeName: string;
}

export const serviceNameLabel = 'kubernetes.io/service-name';
export const defaultStickyMaxAgeSeconds = 10800;

/** ServiceChangeTracker: one entry per port, or none for headless/ExternalName/other-family services. */
export function servicePortsFromService(svc: ServiceJson, ipFamily: IPFamily): ServicePortInfo[] {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return [];
  const clusterIP = clusterIPForFamily(spec, ipFamily);
  if (!clusterIP) return [];
  const common = commonServiceFields(svc, ipFamily);
  return list(spec.ports).flatMap((p) => {
    if (typeof p !== 'object' || !validPort(p.port)) return [];
    const port: ServicePortInfo = {
      ...common,
      portName: typeof p.name === 'string' ? p.name : '',
      protocol: normalizeProtocol(p.protocol),
      clusterIP,
      port: p.port,
      nodePort: validPort(p.nodePort) ? p.nodePort : 0,
    };
    return [port];
  });
}

type CommonFields = Omit<ServicePortInfo, 'portName' | 'protocol' | 'clusterIP' | 'port' | 'nodePort'>;

function commonServiceFields(svc: ServiceJson, ipFamily: IPFamily): CommonFields {
  const spec = svc.spec ?? {};
  const externalType = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const externalPolicyLocal = externalType && spec.externalTrafficPolicy === 'Local';
  const clientIP = spec.sessionAffinity === 'ClientIP';
  return {
    namespace: svc.metadata?.namespace ?? 'default',
    name: svc.metadata?.name ?? '',
    loadBalancerVIPs: loadBalancerVIPs(svc, ipFamily),
    externalIPs: ipsOfFamily(stringList(spec.externalIPs), ipFamily),
    loadBalancerSourceRanges: cidrsOfFamily(stringList(spec.loadBalancerSourceRanges), ipFamily),
    sessionAffinity: clientIP ? 'ClientIP' : 'None',
    stickyMaxAgeSeconds: clientIP ? stickySeconds(spec.sessionAffinityConfig?.clientIP?.timeoutSeconds) : 0,
    externalPolicyLocal,
    internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
    healthCheckNodePort: spec.type === 'LoadBalancer' && externalPolicyLocal && validPort(spec.healthCheckNodePort) ? spec.healthCheckNodePort : 0,
    topologyAware: usesTopologyHints(svc),
  };
}

function stickySeconds(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : defaultStickyMaxAgeSeconds;
}

function clusterIPForFamily(spec: NonNullable<ServiceJson['spec']>, ipFamily: IPFamily): string | undefined {
  const ips = stringList(spec.clusterIPs);
  const candidates = ips.length ? ips : stringList([spec.clusterIP]);
  const ip = candidates.find((c) => c !== 'None' && ipFamilyOf(c) === ipFamily);
  return ip === undefined ? undefined : canonicalIP(ip);
}

/** Only VIP-mode ingress points are proxied; ipMode Proxy means the LB itself forwards. */
function loadBalancerVIPs(svc: ServiceJson, ipFamily: IPFamily): string[] {
  const ingress = list(svc.status?.loadBalancer?.ingress);
  const vips = ingress.filter((i) => i.ipMode === undefined || i.ipMode === 'VIP').map((i) => i.ip);
  return ipsOfFamily(stringList(vips), ipFamily);
}

function ipsOfFamily(ips: readonly string[], ipFamily: IPFamily): string[] {
  return ips.filter((ip) => ipFamilyOf(ip) === ipFamily).map((ip) => canonicalIP(ip)!);
}

function cidrsOfFamily(ranges: readonly string[], ipFamily: IPFamily): string[] {
  return ranges.flatMap((r) => {
    const cidr = parseCidr(r);
    return cidr && cidr.family === ipFamily ? [formatCidr(cidr)] : [];
  });
}

function usesTopologyHints(svc: ServiceJson): boolean {
  if (svc.spec?.trafficDistribution) return true;
  const annotations = svc.metadata?.annotations ?? {};
  const mode = annotations['service.kubernetes.io/topology-mode'] ?? annotations['service.kubernetes.io/topology-aware-hints'];
  return mode === 'Auto' || mode === 'auto';
}

function normalizeProtocol(p: string | undefined): Protocol {
  return p === 'UDP' || p === 'SCTP' ? p : 'TCP';
}

/** Key joining a service port to its slice ports: kube-proxy's ServicePortName incl. protocol. */
export function servicePortKey(namespace: string, name: string, portName: string, protocol: Protocol): string {
  return `${namespace}/${name}:${portName}/${protocol}`;
}

/**
 * EndpointSliceCache: merge the slices of one service into endpoints per service port, deduplicated
 * by "ip:port" and sorted as kube-proxy sorts them. When two slices list the same address, a
 * non-terminating endpoint wins over a terminating one (upstream's current rule; v1.32 itself
 * preferred the local copy, which only differs when a pod IP is reused mid-termination).
 */
export function endpointsFromSlices(slices: readonly EndpointSliceJson[], ctx: ConversionContext): Map<string, Endpoint[]> {
  const byPort = new Map<string, Map<string, Endpoint>>();
  const ordered = list([...slices]).sort((a, b) => compareStrings(a.metadata?.name ?? '', b.metadata?.name ?? ''));
  for (const slice of ordered) isolated(slice, 'EndpointSlice', () => addSlice(byPort, slice, ctx));
  return new Map([...byPort].map(([key, set]) => [key, sortEndpoints([...set.values()])]));
}

function addSlice(byPort: Map<string, Map<string, Endpoint>>, slice: EndpointSliceJson, ctx: ConversionContext): void {
  const serviceName = slice.metadata?.labels?.[serviceNameLabel];
  if (!serviceName || slice.addressType === 'FQDN') return;
  const namespace = slice.metadata?.namespace ?? 'default';
  for (const port of list(slice.ports)) {
    // Ports without a name field or number are ignored, as kube-proxy logs and skips them.
    if (typeof port.name !== 'string' || !validPort(port.port)) continue;
    const key = servicePortKey(namespace, serviceName, port.name, normalizeProtocol(port.protocol));
    const set = byPort.get(key) ?? new Map<string, Endpoint>();
    byPort.set(key, set);
    for (const ep of sliceEndpoints(slice, port.port, ctx)) addDeduplicated(set, ep);
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function addDeduplicated(set: Map<string, Endpoint>, ep: Endpoint): void {
  const key = endpointString(ep);
  if (!set.has(key) || !ep.terminating) set.set(key, ep);
}

function sliceEndpoints(slice: EndpointSliceJson, port: number, ctx: ConversionContext): Endpoint[] {
  return list(slice.endpoints).flatMap((e) => {
    const address = stringList(e.addresses)[0];
    if (address === undefined || ipFamilyOf(address) !== ctx.ipFamily) return [];
    const conditions = e.conditions ?? {};
    const nodeName = typeof e.nodeName === 'string' ? e.nodeName : '';
    const endpoint: Endpoint = {
      ip: canonicalIP(address)!,
      port,
      // nil means true for ready/serving, false for terminating (discovery/v1 semantics).
      ready: conditions.ready ?? true,
      serving: conditions.serving ?? true,
      terminating: conditions.terminating ?? false,
      nodeName,
      zone: typeof e.zone === 'string' ? e.zone : '',
      zoneHints: stringList(list(e.hints?.forZones).map((z) => z.name)),
      isLocal: ctx.nodeName !== '' && nodeName === ctx.nodeName,
    };
    return [endpoint];
  });
}

export function nodeTopologyFromNode(node: NodeJson | undefined): NodeTopology {
  const zone = node?.metadata?.labels?.['topology.kubernetes.io/zone'];
  return zone ? { zone } : {};
}

/** The node's addresses of one family, InternalIP first (the primary one), then ExternalIP. */
export function nodeIPsFromNode(node: NodeJson | undefined, ipFamily: IPFamily): string[] {
  const addresses = node?.status?.addresses ?? [];
  const ofType = (type: string) => addresses.filter((a) => a.type === type && a.address && ipFamilyOf(a.address) === ipFamily).map((a) => canonicalIP(a.address!)!);
  return [...new Set([...ofType('InternalIP'), ...ofType('ExternalIP')])];
}

/** One malformed object must not stop the others from being programmed: log it and skip it. */
function isolated<T>(obj: { metadata?: { name?: string; namespace?: string } } | null | undefined, kind: string, convert: () => T): T | undefined {
  try {
    if (obj === null || typeof obj !== 'object') throw new TypeError('not an object');
    return convert();
  } catch (err) {
    log.warn('skipping malformed object', { kind, ...safeIdentity(obj), error: err });
    return undefined;
  }
}

function safeIdentity(obj: { metadata?: { name?: string; namespace?: string } } | null | undefined): { namespace?: unknown; name?: unknown } {
  try {
    return { namespace: obj?.metadata?.namespace, name: obj?.metadata?.name };
  } catch {
    return {};
  }
}

/** Services plus all their slices into the whole state one renderer call consumes. */
export function buildProxyState(services: readonly ServiceJson[], slices: readonly EndpointSliceJson[], ctx: ConversionContext): ProxyState {
  const endpoints = endpointsFromSlices(slices, ctx);
  const servicePorts: ServicePortEntry[] = services
    .flatMap((svc) => isolated(svc, 'Service', () => servicePortsFromService(svc, ctx.ipFamily)) ?? [])
    .sort(compareServicePorts)
    .map((service) => ({
      service,
      endpoints: endpoints.get(servicePortKey(service.namespace, service.name, service.portName, service.protocol)) ?? [],
    }));
  return { ipFamily: ctx.ipFamily, servicePorts };
}
