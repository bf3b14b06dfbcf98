/**
 * The CoreDNS kubernetes plugin's unit-test fixture (handler_test.go, reverse_test.go) as API JSON,
 * fed through the same edge conversion the controller uses, plus helpers to ask questions and read
 * answers as zone-file text.
 */
import { ClusterIndex } from '../cluster-index.js';
import { serviceFromApi, sliceFromApi, type EndpointSliceJson, type ServiceJson } from '../from-api.js';
import { resolve, type RecordsConfig, type Resolution } from '../records.js';
import { formatRR, RRType, type RR } from '../rr.js';

export function svc(ns: string, name: string, spec: ServiceJson['spec']): ServiceJson {
  return { metadata: { name, namespace: ns }, spec };
}

export function slice(ns: string, name: string, service: string, endpoints: EndpointSliceJson['endpoints'], ports: EndpointSliceJson['ports'] = [{ name: 'http', port: 80, protocol: 'TCP' }]): EndpointSliceJson {
  return { metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': service } }, addressType: 'IPv4', endpoints, ports };
}

const http = [{ name: 'http', port: 80, protocol: 'TCP' }];

export const coreDnsServices: ServiceJson[] = [
  svc('testns', 'svc1', { clusterIP: '10.0.0.1', ports: http }),
  svc('testns', 'svcempty', { clusterIP: '10.0.0.1', ports: http }),
  svc('testns', 'svc6', { clusterIP: '1234:abcd::1', ports: http }),
  svc('testns', 'svc-dual-stack', { clusterIPs: ['10.0.0.3', '10::3'], ports: http }),
  svc('testns', 'hdls1', { clusterIP: 'None', ports: http }),
  svc('testns', 'hdlsprtls', { clusterIP: 'None' }),
  svc('testns', 'external', { type: 'ExternalName', externalName: 'ext.interwebs.test', ports: http }),
  svc('testns', 'external-to-service', { type: 'ExternalName', externalName: 'svc1.testns.svc.cluster.local.', ports: http }),
];

export const coreDnsSlices: EndpointSliceJson[] = [
  slice('testns', 'svc1-abc', 'svc1', [{ addresses: ['172.0.0.1'], hostname: 'ep1a' }]),
  slice('testns', 'svcempty-abc', 'svcempty', []),
  slice('testns', 'hdls1-abc', 'hdls1', [
    { addresses: ['172.0.0.2'] },
    { addresses: ['172.0.0.3'] },
    { addresses: ['172.0.0.4'], hostname: 'dup-name' },
    { addresses: ['172.0.0.5'], hostname: 'dup-name' },
    { addresses: ['5678:abcd::1'] },
    { addresses: ['5678:abcd::2'] },
  ]),
  slice('testns', 'hdlsprtls-abc', 'hdlsprtls', [{ addresses: ['172.0.0.20'] }], []),
];

export function buildIndex(services: ServiceJson[], slices: EndpointSliceJson[], namespaces: string[] = [], synced = true): ClusterIndex {
  const index = new ClusterIndex();
  for (const s of services) {
    const m = serviceFromApi(s);
    if (m) index.setService(m);
  }
  for (const s of slices) {
    const m = sliceFromApi(s);
    if (m) index.setSlice(m);
  }
  for (const ns of namespaces) index.setNamespace(ns);
  if (synced) index.markSynced();
  return index;
}

export interface TextAnswer {
  rcode: number;
  answer: string[];
  authority: string[];
  additional: string[];
  chase?: { name: string; type: number };
}

/** Asks one question; sections come back sorted, SOA serials replaced by `<serial>`. */
export function ask(index: ClusterIndex, cfg: RecordsConfig, qname: string, type: keyof typeof RRType | number): TextAnswer | 'forward' {
  const name = qname.replace(/\.$/, '');
  const res: Resolution = resolve(index, cfg, { labels: name.split('.'), type: typeof type === 'number' ? type : RRType[type] });
  if (res.kind === 'forward') return 'forward';
  const text = (rrs: RR[]) => rrs.map((rr) => formatRR(rr, name).replace(/ SOA (\S+ \S+) \d+ /, ' SOA $1 <serial> ')).sort();
  return { rcode: res.rcode, answer: text(res.answer), authority: text(res.authority), additional: text(res.additional), ...(res.chase ? { chase: { name: res.chase.name, type: res.chase.type } } : {}) };
}
