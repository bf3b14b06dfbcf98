/**
 * The edge: Service and EndpointSlice JSON into the DNS model. Input is untrusted: missing fields
 * take the API defaults, bad values are skipped, nothing throws (a malformed object must not stop
 * the index from following every other object).
 */
import { canonicalIP } from '../common/ip.js';
import { dashedIp } from './ip.js';
import type { DnsEndpoint, DnsPort, DnsService, DnsSlice, PortProtocol } from './model.js';

export interface ServiceJson {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalName?: string;
    publishNotReadyAddresses?: boolean;
    ports?: Array<{ name?: string; protocol?: string; port?: number }>;
  };
}

export interface EndpointSliceJson {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  addressType?: string;
  endpoints?: Array<{ addresses?: string[]; hostname?: string; conditions?: { ready?: boolean | null } }>;
  ports?: Array<{ name?: string | null; port?: number | null; protocol?: string }> | null;
}

export const serviceNameLabel = 'kubernetes.io/service-name';

/** A label CoreDNS would accept as a name part: pod names of 64+ characters are not usable. */
const maxLabelLength = 63;

export function serviceFromApi(json: ServiceJson): DnsService | undefined {
  const name = json.metadata?.name;
  const namespace = json.metadata?.namespace;
  if (!name || !namespace) return undefined;
  const spec = json.spec ?? {};
  const base = { namespace, name, publishNotReadyAddresses: spec.publishNotReadyAddresses === true, ports: portsFrom(spec.ports ?? []) };
  if (spec.type === 'ExternalName') {
    const ext = (spec.externalName ?? '').replace(/\.$/, '').toLowerCase();
    return { ...base, kind: 'ExternalName', clusterIPs: [], ports: [], externalName: ext };
  }
  const declared = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  if (declared[0] === 'None') return { ...base, kind: 'Headless', clusterIPs: [] };
  const clusterIPs = declared.map((ip) => canonicalIP(ip)).filter((ip): ip is string => ip !== undefined);
  return { ...base, kind: 'ClusterIP', clusterIPs: exactLength(clusterIPs) };
}

export function sliceFromApi(json: EndpointSliceJson): DnsSlice | undefined {
  const name = json.metadata?.name;
  const namespace = json.metadata?.namespace;
  const serviceName = json.metadata?.labels?.[serviceNameLabel];
  if (!name || !namespace || !serviceName) return undefined;
  if (json.addressType === 'FQDN') return undefined;
  const endpoints: DnsEndpoint[] = [];
  for (const ep of json.endpoints ?? []) {
    // CoreDNS: ready nil (unknown) counts as ready; serving/terminating are not read.
    const ready = ep.conditions?.ready !== false;
    const hostname = ep.hostname && ep.hostname.length <= maxLabelLength ? ep.hostname.toLowerCase() : undefined;
    for (const raw of ep.addresses ?? []) {
      const address = canonicalIP(raw);
      if (address) endpoints.push({ address, hostname: hostname ?? dashedIp(address), ready });
    }
  }
  const ports = portsFrom(json.ports ?? []);
  return { namespace, name, serviceName, endpoints: exactLength(endpoints), ports: ports.length ? ports : [{ name: '', protocol: 'TCP', port: -1 }] };
}

/**
 * The model lives as long as the index, 100,000 endpoints of it: an array grown by push (or made
 * by filter) keeps room for about 16 more elements, a copy has exactly its length.
 */
function exactLength<T>(list: T[]): T[] {
  return list.slice();
}

type PortJson = { name?: string | null; protocol?: string; port?: number | null };

/** filter, then map: map allocates the exact length (see exactLength). */
function portsFrom(list: readonly PortJson[]): DnsPort[] {
  return list.filter(validPort).map((p) => ({ name: (p.name ?? '').toLowerCase(), protocol: protocolOf(p.protocol), port: p.port }));
}

function validPort(p: PortJson): p is PortJson & { port: number } {
  return typeof p.port === 'number' && Number.isInteger(p.port) && p.port >= 0 && p.port <= 65535;
}

function protocolOf(p: string | undefined): PortProtocol {
  return p === 'UDP' || p === 'SCTP' ? p : 'TCP';
}
