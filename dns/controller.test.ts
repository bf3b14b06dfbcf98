/**
 * The informer-driven index through stand-in sources: /ready is 503 until every source has
 * listed (and would-be NXDOMAINs are SERVFAIL meanwhile), then answers follow adds, updates and
 * deletes at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../common/log.js';
import { startDnsServer } from './index.js';
import { Rcode, RRType } from './rr.js';
import { FakeSource } from './testing/fake-source.js';
import { slice, svc } from './testing/fixture.js';
import { query, UdpClient } from './testing/raw-client.js';
import { readMessage } from './wire-read.js';

if (!process.env.SVCNET_TEST_LOGS) setLogSink(() => {});

test('controller: ready after sync, answers follow changes', { timeout: 120_000 }, async (t) => {
  const services = new FakeSource();
  const endpointSlices = new FakeSource();
  const namespaces = new FakeSource();
  const dns = await startDnsServer({ sources: { services, endpointSlices, namespaces }, listen: '127.0.0.1:0', upstreams: [], healthListen: '127.0.0.1:0', readyListen: '127.0.0.1:0', metricsListen: '' });
  t.after(() => dns.close());
  const c = new UdpClient(dns.udpPort);
  t.after(() => c.close());
  const ask = async (name: string, type: number = RRType.A) => readMessage((await c.exchange(query(name, type)))!);
  const ready = async () => (await fetch(`http://127.0.0.1:${dns.httpPorts.ready}/ready`)).status;

  services.upsert(svc('default', 'web', { clusterIP: '10.96.5.5', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }));
  assert.equal(await ready(), 503);
  assert.equal(dns.ready(), false);
  assert.equal((await ask('nope.default.svc.cluster.local')).rcode, Rcode.SERVFAIL, 'not synced: SERVFAIL instead of NXDOMAIN');
  assert.equal((await ask('web.default.svc.cluster.local')).answer.length, 1, 'known names answer already');
  services.markSynced();
  endpointSlices.markSynced();
  assert.equal(await ready(), 503, 'namespaces not listed yet');
  namespaces.markSynced();
  await new Promise((r) => setImmediate(r));
  assert.equal(await ready(), 200);
  assert.equal((await ask('nope.default.svc.cluster.local')).rcode, Rcode.NXDOMAIN);

  // A change is visible to the very next query (the handler updates the index synchronously).
  services.upsert(svc('default', 'web', { clusterIP: '10.96.7.7', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }));
  const a = await ask('web.default.svc.cluster.local');
  assert.deepEqual(a.answer.map((r) => (r.type === 'A' ? r.address : '')), ['10.96.7.7']);

  services.upsert(svc('default', 'db', { clusterIP: 'None' }));
  assert.equal((await ask('db.default.svc.cluster.local')).rcode, Rcode.NXDOMAIN, 'headless without endpoints');
  endpointSlices.upsert(slice('default', 'db-1', 'db', [{ addresses: ['10.244.1.9'], hostname: 'db-0' }], []));
  assert.deepEqual((await ask('db-0.db.default.svc.cluster.local')).answer.map((r) => (r.type === 'A' ? r.address : '')), ['10.244.1.9']);
  endpointSlices.upsert(slice('default', 'db-1', 'db', [{ addresses: ['10.244.1.9'], hostname: 'db-0', conditions: { ready: false } }], []));
  assert.equal((await ask('db.default.svc.cluster.local')).rcode, Rcode.NXDOMAIN, 'not ready any more');
  endpointSlices.remove(slice('default', 'db-1', 'db', []));
  services.remove(svc('default', 'web', {}));
  assert.equal((await ask('web.default.svc.cluster.local')).rcode, Rcode.NXDOMAIN);

  const stamped = slice('default', 'db-2', 'db', [{ addresses: ['10.244.1.10'] }], []);
  endpointSlices.upsert({ ...stamped, metadata: { ...stamped.metadata, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': new Date(Date.now() - 50).toISOString() } } });
  assert.match(dns.metrics.render(), /coredns_kubernetes_dns_programming_duration_seconds_count\{service_kind="headless_with_selector"\} 1\n/);

  namespaces.upsert({ metadata: { name: 'empty' } });
  const ns = await ask('empty.svc.cluster.local');
  assert.equal(ns.rcode, Rcode.NOERROR, 'an existing namespace without services is NODATA');
  assert.equal(ns.authority.length, 1);
});
