/**
 * The cluster DNS benchmark's data: a model of Services and EndpointSlices (every n-th Service
 * headless, its endpoints with hostnames), the same records as zone files for Knot, and the query
 * mix dnsperf sends.
 */
export interface ModelJson {
  services: object[];
  slices: object[];
}

export interface Model {
  json: ModelJson;
  clusterIps: Array<{ name: string; ns: string; ip: string }>;
  headless: Array<{ name: string; ns: string; endpoints: Array<{ ip: string; hostname: string }> }>;
}

export const zone = 'cluster.local';
export const ttl = 30;

export function buildModel(services: number, perService: number, headlessEvery: number): Model {
  const json: ModelJson = { services: [], slices: [] };
  const clusterIps: Model['clusterIps'] = [];
  const headless: Model['headless'] = [];
  let ep = 0;
  for (let i = 0; i < services; i++) {
    const name = `svc-${i}`;
    const ns = `ns-${i % 100}`;
    const isHeadless = i % headlessEvery === headlessEvery - 1;
    const ip = `10.96.${(i >> 8) & 0xff}.${i & 0xff}`;
    json.services.push({ metadata: { name, namespace: ns }, spec: { clusterIP: isHeadless ? 'None' : ip, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } });
    const endpoints: Array<{ ip: string; hostname: string }> = [];
    for (let j = 0; j < perService; j++, ep++) endpoints.push({ ip: `10.${100 + (ep >> 16)}.${(ep >> 8) & 0xff}.${ep & 0xff}`, hostname: isHeadless ? `pod-${j}` : '' });
    json.slices.push({
      metadata: { name: `${name}-abcde`, namespace: ns, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: endpoints.map((e) => ({ addresses: [e.ip], ...(e.hostname ? { hostname: e.hostname } : {}), conditions: { ready: true } })),
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    });
    if (isHeadless) headless.push({ name, ns, endpoints });
    else clusterIps.push({ name, ns, ip });
  }
  return { json, clusterIps, headless };
}

function reverse(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
}

/** The same records svcnet answers, as zone files (SRV weights as CoreDNS computes them). */
export function zoneFiles(m: Model): { forward: string; reverse: string } {
  const head = (origin: string) => `$ORIGIN ${origin}.\n$TTL ${ttl}\n@ IN SOA ns.dns.${zone}. hostmaster.${zone}. 1 7200 1800 86400 ${ttl}\n@ IN NS ns.dns.${zone}.\n`;
  const f: string[] = [head(zone), `ns.dns IN A 127.0.0.1\ndns-version IN TXT "1.1.0"\n`];
  const r: string[] = [head('10.in-addr.arpa')];
  for (const s of m.clusterIps) {
    const fqdn = `${s.name}.${s.ns}.svc.${zone}.`;
    f.push(`${fqdn} A ${s.ip}\n_http._tcp.${fqdn} SRV 0 100 80 ${fqdn}\n`);
    r.push(`${reverse(s.ip)} PTR ${fqdn}\n`);
  }
  for (const s of m.headless) {
    const fqdn = `${s.name}.${s.ns}.svc.${zone}.`;
    const weight = Math.max(1, Math.floor(100 / s.endpoints.length));
    for (const e of s.endpoints) {
      const host = `${e.hostname}.${fqdn}`;
      f.push(`${fqdn} A ${e.ip}\n${host} A ${e.ip}\n_http._tcp.${fqdn} SRV 0 ${weight} 80 ${host}\n`);
      r.push(`${reverse(e.ip)} PTR ${host}\n`);
    }
  }
  return { forward: f.join(''), reverse: r.join('') };
}

/** A mix of what pods ask: service A, SRV, headless A, PTR, and search-path NXDOMAINs. */
export function queryFile(m: Model, lines: number): string {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const kind = rand(10);
    const c = m.clusterIps[rand(m.clusterIps.length)]!;
    const h = m.headless[rand(m.headless.length)]!;
    if (kind < 5) out.push(`${c.name}.${c.ns}.svc.${zone} A`);
    else if (kind === 5) out.push(`_http._tcp.${c.name}.${c.ns}.svc.${zone} SRV`);
    else if (kind === 6) out.push(`${h.name}.${h.ns}.svc.${zone} A`);
    else if (kind === 7) out.push(`${reverse(c.ip).slice(0, -1)} PTR`);
    else out.push(`${c.name}.${c.ns}.svc.${zone}.${c.ns}.svc.${zone} A`);
  }
  return out.join('\n') + '\n';
}
