/**
 * Cached replies follow Service and EndpointSlice changes: each question is asked once so that its
 * reply is cached, the objects change through the informer path, and the very next query (same
 * question bytes, over UDP with and without EDNS and over TCP) must carry the new answer. Also:
 * a cached reply built from one Service survives changes to another (the handler hands back the
 * same cached buffer), and is rebuilt when its own Service changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../common/log.js';
import { AnswerCache } from './cache.js';
import { Forwarder } from './forward.js';
import { QueryHandler } from './handler.js';
import { startDnsServer } from './index.js';
import { DnsMetrics } from './metrics.js';
import { defaultRecordsConfig } from './records.js';
import { Rcode, RRType, type RR } from './rr.js';
import { serviceFromApi, sliceFromApi } from './from-api.js';
import { FakeSource } from './testing/fake-source.js';
import { buildIndex, slice, svc } from './testing/fixture.js';
import { query, tcpExchange, UdpClient } from './testing/raw-client.js';
import { readMessage, type Message } from './wire-read.js';

if (!process.env.SVCNET_TEST_LOGS) setLogSink(() => {});

const http = [{ name: 'http', port: 80, protocol: 'TCP' }];

function text(rr: RR): string {
  switch (rr.type) {
    case 'A':
    case 'AAAA':
      return rr.address;
    case 'SRV':
      return `${rr.port} ${rr.target}`;
    case 'PTR':
    case 'CNAME':
      return rr.target;
    default:
      return rr.type;
  }
}

function summary(m: Message): string {
  const rcode = m.rcode === Rcode.NXDOMAIN ? 'NXDOMAIN' : m.rcode === Rcode.NOERROR ? (m.answer.length ? 'NOERROR' : 'NODATA') : `rcode ${m.rcode}`;
  return [rcode, ...m.answer.map(text).sort()].join(' ');
}

test('cached replies follow Service and EndpointSlice changes at once (UDP, UDP+EDNS, TCP)', { timeout: 120_000 }, async (t) => {
  const services = new FakeSource();
  const endpointSlices = new FakeSource();
  const namespaces = new FakeSource();
  for (const s of [services, endpointSlices, namespaces]) s.markSynced();
  const dns = await startDnsServer({ sources: { services, endpointSlices, namespaces }, listen: '127.0.0.1:0', upstreams: [], healthListen: '', readyListen: '', metricsListen: '' });
  t.after(() => dns.close());
  const udp = new UdpClient(dns.udpPort);
  t.after(() => udp.close());
  // Three transports, each with its own cached reply; fixed IDs keep the question bytes identical.
  const ask = async (name: string, type: number): Promise<string> => {
    const plain = summary(readMessage((await udp.exchange(query(name, type, { id: 1 })))!));
    const edns = summary(readMessage((await udp.exchange(query(name, type, { id: 2, edns: 1232 })))!));
    const tcp = summary(readMessage((await tcpExchange(dns.udpPort, query(name, type, { id: 3 })))!));
    assert.equal(edns, plain, `${name}: UDP with EDNS agrees`);
    assert.equal(tcp, plain, `${name}: TCP agrees`);
    return plain;
  };
  const web = 'web.default.svc.cluster.local';
  const db = 'db.default.svc.cluster.local';
  const srv = '_http._tcp.web.default.svc.cluster.local';
  const ext = 'alias.default.svc.cluster.local';

  assert.equal(await ask(web, RRType.A), 'NXDOMAIN');
  services.upsert(svc('default', 'web', { clusterIP: '10.96.0.5', ports: http }));
  assert.equal(await ask(web, RRType.A), 'NOERROR 10.96.0.5', 'a cached NXDOMAIN goes when the Service appears');
  assert.equal(await ask(srv, RRType.SRV), 'NOERROR 80 web.default.svc.cluster.local');
  assert.equal(await ask('5.0.96.10.in-addr.arpa', RRType.PTR), 'NOERROR web.default.svc.cluster.local');
  services.upsert(svc('default', 'alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }));
  assert.equal(await ask(ext, RRType.A), 'NOERROR 10.96.0.5 web.default.svc.cluster.local');

  services.upsert(svc('default', 'web', { clusterIP: '10.96.0.6', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }));
  assert.equal(await ask(web, RRType.A), 'NOERROR 10.96.0.6', 'new ClusterIP');
  assert.equal(await ask(srv, RRType.SRV), 'NOERROR 8080 web.default.svc.cluster.local', 'new port');
  // Nobody owns the old address: it falls through to the upstreams, none here, so SERVFAIL.
  assert.equal(await ask('5.0.96.10.in-addr.arpa', RRType.PTR), `rcode ${Rcode.SERVFAIL}`, 'the old PTR is gone');
  assert.equal(await ask('6.0.96.10.in-addr.arpa', RRType.PTR), 'NOERROR web.default.svc.cluster.local');
  assert.equal(await ask(ext, RRType.A), 'NOERROR 10.96.0.6 web.default.svc.cluster.local', 'an ExternalName follows its target Service');

  services.upsert(svc('default', 'db', { clusterIP: 'None', ports: http }));
  assert.equal(await ask(db, RRType.A), 'NXDOMAIN', 'headless without endpoints');
  endpointSlices.upsert(slice('default', 'db-a', 'db', [{ addresses: ['10.244.0.1'], hostname: 'db-0' }, { addresses: ['10.244.0.2'], hostname: 'db-1' }]));
  assert.equal(await ask(db, RRType.A), 'NOERROR 10.244.0.1 10.244.0.2');
  assert.equal(await ask('db-1.db.default.svc.cluster.local', RRType.A), 'NOERROR 10.244.0.2');
  endpointSlices.upsert(slice('default', 'db-a', 'db', [{ addresses: ['10.244.0.1'], hostname: 'db-0' }, { addresses: ['10.244.0.2'], hostname: 'db-1', conditions: { ready: false } }]));
  assert.equal(await ask(db, RRType.A), 'NOERROR 10.244.0.1', 'a not-ready endpoint leaves the rotated answer');
  assert.equal(await ask('db-1.db.default.svc.cluster.local', RRType.A), 'NXDOMAIN');
  endpointSlices.upsert(slice('default', 'db-b', 'db', [{ addresses: ['10.244.0.3'] }]));
  assert.equal(await ask(db, RRType.A), 'NOERROR 10.244.0.1 10.244.0.3', 'a second slice merges in');

  // The slice's service label changes: both Services' answers move.
  services.upsert(svc('default', 'cache', { clusterIP: 'None', ports: http }));
  assert.equal(await ask('cache.default.svc.cluster.local', RRType.A), 'NXDOMAIN');
  endpointSlices.upsert(slice('default', 'db-b', 'cache', [{ addresses: ['10.244.0.3'] }]));
  assert.equal(await ask(db, RRType.A), 'NOERROR 10.244.0.1');
  assert.equal(await ask('cache.default.svc.cluster.local', RRType.A), 'NOERROR 10.244.0.3');

  endpointSlices.remove(slice('default', 'db-a', 'db', []));
  assert.equal(await ask(db, RRType.A), 'NXDOMAIN', 'last ready endpoint gone');
  services.remove(svc('default', 'web', {}));
  assert.equal(await ask(web, RRType.A), 'NXDOMAIN', 'Service deleted');
  assert.equal(await ask(ext, RRType.A), 'NODATA', 'the ExternalName follows its target away');

  assert.equal(await ask('team.svc.cluster.local', RRType.A), 'NXDOMAIN');
  namespaces.upsert({ metadata: { name: 'team' } });
  assert.equal(await ask('team.svc.cluster.local', RRType.A), 'NODATA', 'a new namespace turns NXDOMAIN into NODATA');
});

test('a cached reply survives changes to other Services and is rebuilt after its own', async () => {
  const index = buildIndex([svc('default', 'a', { clusterIP: '10.96.0.1', ports: http }), svc('default', 'b', { clusterIP: '10.96.0.2', ports: http })], [slice('default', 'a-1', 'a', [{ addresses: ['10.244.0.1'] }])]);
  const h = new QueryHandler({ index, records: defaultRecordsConfig, forwarder: new Forwarder({ upstreams: [] }), cache: new AnswerCache(), metrics: new DnsMetrics('dns://:53') });
  const ask = (name: string, type: number = RRType.A) => h.handle(query(name, type, { id: 9 }), 'udp', '1') as Buffer;
  const serialOf = (reply: Buffer) => {
    const soa = readMessage(reply).authority[0];
    return soa?.type === 'SOA' ? soa.serial : undefined;
  };
  const a = ask('a.default.svc.cluster.local');
  const nx = ask('nope.default.svc.cluster.local');
  const deep = ask('x.y.z.default.svc.cluster.local');
  const nodata = ask('a.default.svc.cluster.local', RRType.AAAA);
  assert.equal(ask('a.default.svc.cluster.local'), a, 'a hit hands back the cached buffer');

  // The SOA serial is the Unix second of the last change: let the next change land in a new one.
  await new Promise((r) => setTimeout(r, 1100));
  index.setService(serviceFromApi(svc('default', 'b', { clusterIP: '10.96.0.3', ports: http }))!);
  index.setSlice(sliceFromApi(slice('default', 'b-1', 'b', [{ addresses: ['10.244.0.9'] }]))!);
  assert.equal(ask('a.default.svc.cluster.local'), a, 'changes to b leave the reply for a cached');
  for (const [reply, name, type] of [[nx, 'nope.default.svc.cluster.local', RRType.A], [deep, 'x.y.z.default.svc.cluster.local', RRType.A], [nodata, 'a.default.svc.cluster.local', RRType.AAAA]] as const) {
    const again = ask(name, type);
    assert.equal(again, reply, `${name}: the negative reply stays cached`);
    assert.equal(serialOf(again), index.serial, `${name}: with the serial of the latest change written in`);
  }

  index.setSlice(sliceFromApi(slice('default', 'a-1', 'a', [{ addresses: ['10.244.0.2'] }]))!);
  assert.notEqual(ask('a.default.svc.cluster.local'), a, "a's own slice changed: rebuilt");
  index.setService(serviceFromApi(svc('default', 'a', { clusterIP: '10.96.0.7', ports: http }))!);
  assert.deepEqual(readMessage(ask('a.default.svc.cluster.local')).answer.map(text), ['10.96.0.7']);
  index.setService(serviceFromApi(svc('default', 'nope', { clusterIP: '10.96.0.8', ports: http }))!);
  assert.deepEqual(readMessage(ask('nope.default.svc.cluster.local')).answer.map(text), ['10.96.0.8'], 'the NXDOMAIN goes when the Service appears');
  assert.equal(readMessage(ask('team.svc.cluster.local')).rcode, Rcode.NXDOMAIN);
  index.setService(serviceFromApi(svc('team', 'c', { clusterIP: '10.96.0.9', ports: http }))!);
  const team = readMessage(ask('team.svc.cluster.local'));
  assert.deepEqual([team.rcode, team.answer.length], [Rcode.NOERROR, 0], 'its first Service makes a namespace exist: NODATA');
});
