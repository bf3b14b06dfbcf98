/**
 * End to end against the real API server (in-process fixture): Services and EndpointSlices
 * created through the API appear in DNS, changes and deletions follow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from '../client/rest.js';
import { loadConnection } from '../client/kubeconfig.js';
import { startApiFixture } from '../testing/api-fixture.js';
import { endpointSlicesResource, servicesResource } from './controller.js';
import { startDnsServer } from './index.js';
import { dig, skipWithoutDig } from './testing/dig.js';

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('svcnet dns against the API server', { skip: skipWithoutDig, timeout: 120_000 }, async (t) => {
  const api = await startApiFixture();
  t.after(() => api.close());
  const dns = await startDnsServer({ kubeconfig: api.server.kubeconfigPath, listen: '127.0.0.1:0', upstreams: [], healthListen: '', readyListen: '127.0.0.1:0', metricsListen: '' });
  t.after(() => dns.close());
  await until(async () => dns.ready(), (r) => r);
  assert.ok(dns.ready(), 'ready after the informers synced');
  const p = dns.udpPort;

  const k = await dig(p, 'kubernetes.default.svc.cluster.local', 'A');
  assert.equal(k.status, 'NOERROR');
  assert.deepEqual(k.answer, ['kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1']);

  const client = new ApiClient(await loadConnection({ path: api.server.kubeconfigPath }));
  const created = await client.create(servicesResource, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx' }, spec: { ports: [{ name: 'http', port: 80 }], selector: { app: 'nginx' } } } as never);
  const ip = (created as unknown as { spec: { clusterIP: string } }).spec.clusterIP;
  const a = await until(() => dig(p, 'nginx.default.svc.cluster.local', 'A'), (r) => r.answer.length === 1);
  assert.deepEqual(a.answer, [`nginx.default.svc.cluster.local. 30 IN A ${ip}`]);
  const ptr = await dig(p, '-x', ip);
  assert.deepEqual(ptr.answer.map((l) => l.split(' ').pop()), ['nginx.default.svc.cluster.local.']);

  await client.create(servicesResource, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] } } as never);
  await client.create(endpointSlicesResource, 'default', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.0.5'], hostname: 'web-0', conditions: { ready: true } }, { addresses: ['10.244.0.6'], conditions: { ready: false } }],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  } as never);
  const srv = await until(() => dig(p, '_http._tcp.web.default.svc.cluster.local', 'SRV'), (r) => r.answer.length === 1);
  assert.deepEqual(srv.answer, ['_http._tcp.web.default.svc.cluster.local. 30 IN SRV 0 100 80 web-0.web.default.svc.cluster.local.']);
  assert.deepEqual(srv.additional.filter((l) => !l.startsWith(';')), ['web-0.web.default.svc.cluster.local. 30 IN A 10.244.0.5']);

  await client.delete(servicesResource, 'default', 'nginx');
  const gone = await until(() => dig(p, 'nginx.default.svc.cluster.local', 'A'), (r) => r.status === 'NXDOMAIN');
  assert.equal(gone.status, 'NXDOMAIN');
});
