/**
 * Stale UDP conntrack entries. A UDP "connection" keeps its DNAT (or its "rejected, no DNAT"
 * entry) for as long as packets keep coming, so after a UDP Service's endpoints change, clients
 * can be black-holed forever. kube-proxy (≤ v1.30, CLI form) deletes: entries to a Service IP or
 * NodePort whose endpoint went away, and every entry to a Service IP / NodePort that just got its
 * first endpoint or was deleted. TCP is left alone (it resets itself; graceful termination).
 */
import type { ProxyState, ServicePortInfo } from '../model.js';
import type { CommandRunner } from './runner.js';

/** One `conntrack -D` argv per stale flow group. Pure: previous and new state in, commands out. */
export function computeStaleUdpDeletions(previous: ProxyState | undefined, current: ProxyState): string[][] {
  if (!previous) return [];
  const before = udpPorts(previous);
  const after = udpPorts(current);
  const out: string[][] = [];
  const seen = new Set<string>();
  const add = (argv: string[]) => {
    const key = argv.join(' ');
    if (!seen.has(key)) (seen.add(key), out.push(argv));
  };
  for (const [key, old] of before) {
    const now = after.get(key);
    if (!now) {
      for (const ip of serviceIPs(old.service)) add(['-D', '--orig-dst', ip, '-p', 'udp']);
      continue;
    }
    for (const ep of old.serving) {
      if (now.serving.has(ep)) continue;
      for (const ip of serviceIPs(old.service)) add(['-D', '--orig-dst', ip, '--dst-nat', ep, '-p', 'udp']);
      if (old.service.nodePort) add(['-D', '-p', 'udp', '--dport', String(old.service.nodePort), '--dst-nat', ep]);
    }
  }
  for (const [key, now] of after) {
    const old = before.get(key);
    if (now.serving.size === 0 || (old && old.serving.size > 0)) continue;
    for (const ip of serviceIPs(now.service)) add(['-D', '--orig-dst', ip, '-p', 'udp']);
    if (now.service.nodePort) add(['-D', '-p', 'udp', '--dport', String(now.service.nodePort)]);
  }
  if (current.ipFamily === 6) for (const argv of out) argv.push('-f', 'ipv6');
  return out;
}

function udpPorts(state: ProxyState): Map<string, { service: ServicePortInfo; serving: Set<string> }> {
  const m = new Map<string, { service: ServicePortInfo; serving: Set<string> }>();
  for (const { service, endpoints } of state.servicePorts) {
    if (service.protocol !== 'UDP') continue;
    const key = `${service.namespace}/${service.name}:${service.portName}`;
    m.set(key, { service, serving: new Set(endpoints.filter((e) => e.serving).map((e) => e.ip)) });
  }
  return m;
}

function serviceIPs(svc: ServicePortInfo): string[] {
  return [svc.clusterIP, ...svc.externalIPs, ...svc.loadBalancerVIPs];
}

/**
 * Runs the deletions. "0 flow entries" exits 1 and is not an error; other failures are returned
 * for the caller to log (a failed cleanup must never fail the sync).
 */
export async function deleteConntrackEntries(runner: CommandRunner, deletions: readonly string[][]): Promise<string[]> {
  const errors: string[] = [];
  for (const argv of deletions) {
    const r = await runner.run('conntrack', argv);
    if (r.code !== 0 && !/0 flow entries/.test(r.stderr + r.stdout)) errors.push(`conntrack ${argv.join(' ')}: ${r.stderr.trim()}`);
  }
  return errors;
}
