/**
 * End to end against svcnet's own API server: Services and EndpointSlices pointing at loopback
 * echo backends, the walkthrough Ingress applied, traffic through curl, status and events checked,
 * an unknown class left alone, and the time from an Ingress change to traffic following it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import { findResource } from '../api/resources.js';
import { ApiClient } from '../client/rest.js';
import { loadConnection } from '../client/kubeconfig.js';
import { startApiFixture, type ApiFixture } from '../testing/api-fixture.js';
import { startIngress, type RunningIngress } from './index.js';
import { ingressesResource } from './controller.js';
import { startEchoBackend, type EchoBackend } from './testing/echo-backend.js';
import { curlStatus } from './testing/harness.js';

const services = findResource('', 'v1', 'services')!;
const slices = findResource('discovery.k8s.io', 'v1', 'endpointslices')!;
const events = findResource('', 'v1', 'events')!;

let api: ApiFixture;
let client: ApiClient;
let ing: RunningIngress;
let nginx: EchoBackend;
let other: EchoBackend;

async function backendService(name: string, be: EchoBackend): Promise<void> {
  await client.create(services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } } as KubeObject);
  await client.create(slices, 'default', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: be.port, protocol: 'TCP' }],
    // The API refuses loopback endpoints: publish a documentation address, dialled as 127.0.0.1.
    endpoints: [{ addresses: ['198.51.100.7'], conditions: { ready: true } }],
  } as KubeObject);
}

function ingressObject(name: string, host: string, service: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name },
    spec: { rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: 80 } } } }] } }], ...extra },
  } as KubeObject;
}

async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  api = await startApiFixture();
  client = new ApiClient(await loadConnection({ path: api.server.kubeconfigPath }));
  nginx = await startEchoBackend('nginx');
  other = await startEchoBackend('other');
  await backendService('nginx', nginx);
  await backendService('other', other);
  ing = await startIngress({ client, httpListen: '127.0.0.1:0', httpsListen: '127.0.0.1:0', statusListen: '127.0.0.1:0', publishAddresses: ['192.0.2.10'], accessLog: false, dialAddress: (host, port) => (host === '198.51.100.7' ? { host: '127.0.0.1', port } : { host, port }) });
  await eventually(async () => (ing.ready() ? true : undefined));
});

after(async () => {
  await ing?.close();
  client?.close();
  await nginx?.close();
  await other?.close();
  await api?.close();
});

const http = () => `http://127.0.0.1:${ing.httpPort}/`;

test('walkthrough §7: 404 first, then the nginx-ingress.yaml Ingress routes web01 and gets a status address', async () => {
  assert.equal((await curlStatus(['-H', 'Host: web01', http()]))[0], 404);
  await client.create(ingressesResource, 'default', ingressObject('web01', 'web01', 'nginx'));
  const body = await eventually(async () => {
    const [s, b] = await curlStatus(['-H', 'Host: web01', http()]);
    return s === 200 ? b : undefined;
  });
  assert.match(body, /"service":"nginx"/);
  const status = await eventually(async () => {
    const o = await client.get(ingressesResource, 'default', 'web01');
    const lb = (o.status as { loadBalancer?: { ingress?: { ip?: string }[] } })?.loadBalancer?.ingress;
    return lb?.length ? lb : undefined;
  });
  assert.deepEqual(status, [{ ip: '192.0.2.10' }]);
  const cls = await client.get(findResource('networking.k8s.io', 'v1', 'ingressclasses')!, undefined, 'svcnet');
  assert.equal(cls.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'], 'true');
});

test('legacy class annotation served; an unknown class gets no status and no traffic (facts 13, 14)', async () => {
  const legacy = ingressObject('legacy', 'legacy.example', 'other');
  legacy.metadata.annotations = { 'kubernetes.io/ingress.class': 'nginx' };
  await client.create(ingressesResource, 'default', legacy);
  await client.create(ingressesResource, 'default', ingressObject('invalid', 'invalid.example', 'other', { ingressClassName: 'some-invalid-class-name' }));
  await eventually(async () => ((await curlStatus(['-H', 'Host: legacy.example', http()]))[0] === 200 ? true : undefined));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await curlStatus(['-H', 'Host: invalid.example', http()]))[0], 404);
  const o = await client.get(ingressesResource, 'default', 'invalid');
  assert.equal((o.status as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress?.length ?? 0, 0);
});

test('a bad annotation leaves a Warning event and the Ingress is still served', async () => {
  const bad = ingressObject('badann', 'bad.example', 'other');
  bad.metadata.annotations = { 'nginx.ingress.kubernetes.io/proxy-body-size': '1 gigabyte' };
  await client.create(ingressesResource, 'default', bad);
  await eventually(async () => ((await curlStatus(['-H', 'Host: bad.example', http()]))[0] === 200 ? true : undefined));
  const ev = await eventually(async () => {
    const list = await client.list(events, 'default');
    return list.items.find((e) => (e.involvedObject as { name?: string }).name === 'badann' && e.type === 'Warning');
  });
  assert.equal(ev.reason, 'InvalidAnnotation');
});

test('auth-type basic reads its htpasswd from an Opaque Secret through the API; a Secret update applies', async () => {
  const secrets = findResource('', 'v1', 'secrets')!;
  const sha = (pw: string) => `{SHA}${createHash('sha1').update(pw).digest('base64')}`;
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'basic-auth' }, type: 'Opaque', data: { auth: Buffer.from(`foo:${sha('bar')}\n`).toString('base64') } } as KubeObject;
  await client.create(secrets, 'default', secret);
  const protectedIngress = ingressObject('authed', 'auth.example', 'other');
  protectedIngress.metadata.annotations = { 'nginx.ingress.kubernetes.io/auth-type': 'basic', 'nginx.ingress.kubernetes.io/auth-secret': 'basic-auth', 'nginx.ingress.kubernetes.io/auth-realm': 'svcnet' };
  await client.create(ingressesResource, 'default', protectedIngress);
  await eventually(async () => ((await curlStatus(['-H', 'Host: auth.example', http()]))[0] === 401 ? true : undefined));
  assert.equal((await curlStatus(['-u', 'foo:bar', '-H', 'Host: auth.example', http()]))[0], 200);
  const stored = await client.get(secrets, 'default', 'basic-auth');
  stored.data = { auth: Buffer.from(`foo:${sha('changed')}\n`).toString('base64') };
  await client.update(secrets, 'default', stored);
  await eventually(async () => ((await curlStatus(['-u', 'foo:changed', '-H', 'Host: auth.example', http()]))[0] === 200 ? true : undefined));
  assert.equal((await curlStatus(['-u', 'foo:bar', '-H', 'Host: auth.example', http()]))[0], 401);
});

test('an Ingress change reaches traffic quickly (moving web01 to another Service)', async () => {
  const o = await client.get(ingressesResource, 'default', 'web01');
  const spec = o.spec as { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] };
  spec.rules[0].http.paths[0].backend.service.name = 'other';
  const t0 = performance.now();
  await client.update(ingressesResource, 'default', o);
  await eventually(async () => ((await curlStatus(['-H', 'Host: web01', http()]))[1].includes('"service":"other"') ? true : undefined));
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `took ${ms} ms`);
});

test('/healthz and /metrics on the status listener', async () => {
  const [hs, hb] = await curlStatus([`http://127.0.0.1:${ing.statusPort}/healthz`]);
  assert.deepEqual([hs, hb], [200, 'ok']);
  const [, metrics] = await curlStatus([`http://127.0.0.1:${ing.statusPort}/metrics`]);
  assert.match(metrics, /nginx_ingress_controller_requests\{namespace="default",ingress="web01",service="nginx",status="2xx"\} \d+/);
  assert.match(metrics, /nginx_ingress_controller_request_duration_seconds_bucket\{.*le="\+Inf"\} \d+/);
});
