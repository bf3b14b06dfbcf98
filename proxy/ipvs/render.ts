/**
 * renderIpvsTable: the virtual server table kube-proxy's IPVS mode would program, printed as
 * `ipvsadm -Ln` lists it (ipvsadm.c print_service_entry: services sorted by protocol number, then
 * address, then port; real servers by address then port; fixed-width columns, trailing spaces
 * included). svcnet has no IPVS in the kernel: this is a view of the same state.
 */
import { categorizeEndpoints, type NodeTopology } from '../endpoints.js';
import { compareIPs, joinHostPort } from '../ip.js';
import type { Endpoint, Protocol, ProxyState, ServicePortInfo } from '../model.js';

export interface IpvsRenderConfig {
  /** Node addresses that get a NodePort virtual server each. */
  readonly nodeIPs: readonly string[];
  /** --ipvs-scheduler; "" or undefined means rr. */
  readonly scheduler?: string;
  readonly nodeTopology?: NodeTopology;
  /** Live per-real-server counters keyed "vip:port/proto -> rip:port" (kernel data; default 0). */
  readonly connections?: ReadonlyMap<string, { readonly active: number; readonly inactive: number }>;
}

export interface RealServer {
  readonly address: string;
  readonly port: number;
  readonly weight: number;
}

export interface VirtualServer {
  readonly protocol: Protocol;
  readonly address: string;
  readonly port: number;
  readonly scheduler: string;
  /** ClientIP affinity becomes IPVS persistence with the sticky timeout. */
  readonly persistentSeconds: number | undefined;
  readonly realServers: readonly RealServer[];
}

const protocolNumber: Record<Protocol, number> = { TCP: 6, UDP: 17, SCTP: 132 };

/** One virtual server per service address: ClusterIP, each external IP, each LB IP, each node IP:nodePort. */
export function buildVirtualServers(state: ProxyState, config: IpvsRenderConfig): VirtualServer[] {
  const byKey = new Map<string, VirtualServer>();
  for (const { service: svc, endpoints } of state.servicePorts) {
    const eps = categorizeEndpoints(endpoints, svc, config.nodeTopology ?? {});
    const internal = svc.internalPolicyLocal ? eps.local : eps.cluster;
    const external = svc.externalPolicyLocal ? eps.local : eps.cluster;
    const add = (address: string, port: number, selected: readonly Endpoint[]) => {
      const vs = virtualServer(svc, address, port, selected, config);
      byKey.set(`${vs.protocol} ${vs.address} ${vs.port}`, vs);
    };
    add(svc.clusterIP, svc.port, internal);
    for (const ip of svc.externalIPs) add(ip, svc.port, external);
    for (const ip of svc.loadBalancerVIPs) add(ip, svc.port, external);
    if (svc.nodePort !== 0) for (const ip of config.nodeIPs) add(ip, svc.nodePort, external);
  }
  return [...byKey.values()].sort(compareVirtualServers);
}

function virtualServer(svc: ServicePortInfo, address: string, port: number, endpoints: readonly Endpoint[], config: IpvsRenderConfig): VirtualServer {
  const realServers = endpoints
    .map((ep) => ({ address: ep.ip, port: ep.port, weight: 1 }))
    .sort((a, b) => compareIPs(a.address, b.address) || a.port - b.port);
  return {
    protocol: svc.protocol,
    address,
    port,
    scheduler: config.scheduler || 'rr',
    persistentSeconds: svc.sessionAffinity === 'ClientIP' ? svc.stickyMaxAgeSeconds : undefined,
    realServers,
  };
}

function compareVirtualServers(a: VirtualServer, b: VirtualServer): number {
  const family = (ip: string) => (ip.includes(':') ? 6 : 4);
  return family(a.address) - family(b.address) || protocolNumber[a.protocol] - protocolNumber[b.protocol] || compareIPs(a.address, b.address) || a.port - b.port;
}

export function renderIpvsTable(state: ProxyState, config: IpvsRenderConfig): string {
  const lines = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ];
  for (const vs of buildVirtualServers(state, config)) {
    const vip = joinHostPort(vs.address, vs.port);
    lines.push(`${vs.protocol}  ${vip} ${vs.scheduler}${vs.persistentSeconds !== undefined ? ` persistent ${vs.persistentSeconds}` : ''}`);
    for (const rs of vs.realServers) {
      const rip = joinHostPort(rs.address, rs.port);
      const counters = config.connections?.get(`${vip}/${vs.protocol} -> ${rip}`) ?? { active: 0, inactive: 0 };
      // printf("  -> %-28s %-7s %-6d %-10u %-10u\n", ...)
      lines.push(`  -> ${rip.padEnd(28)} ${'Masq'.padEnd(7)} ${String(rs.weight).padEnd(6)} ${String(counters.active).padEnd(10)} ${String(counters.inactive).padEnd(10)}`);
    }
  }
  return lines.join('\n') + '\n';
}
