import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { findResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { ClientError } from './client-error.js';
import { connectionForUrl } from './connection.js';
import { ApiClient } from './rest.js';
import { listen } from './testing/listen.js';
import { startRecordingServer, type CannedAnswer, type RecordedRequest } from './testing/recording-server.js';
import { svcnetVersion } from './version.js';
import type { WatchEvent } from './watch-stream.js';

const services = findResource('', 'v1', 'services')!;
const deployments = findResource('apps', 'v1', 'deployments')!;

const svc = (name: string, rv = '1'): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', resourceVersion: rv } });

/** A recording stand-in whose answers a test can swap; each test asserts on the requests it made. */
let answer: (r: RecordedRequest) => CannedAnswer = () => ({ body: {} });
const server = await startRecordingServer((r) => answer(r));
const client = new ApiClient(connectionForUrl(server.url));
after(async () => {
  client.close();
  await server.close();
});

function lastRequest(): RecordedRequest {
  return server.requests[server.requests.length - 1];
}

test('get sends Accept and User-Agent and decodes the object', async () => {
  answer = () => ({ body: svc('web') });
  const got = await client.get(services, 'default', 'web');
  assert.equal(got.metadata.name, 'web');
  const r = lastRequest();
  assert.equal(r.method, 'GET');
  assert.equal(r.url, '/api/v1/namespaces/default/services/web');
  assert.equal(r.headers.accept, 'application/json');
  assert.equal(r.headers['user-agent'], `svcnet/${svcnetVersion}`);
  assert.notEqual(svcnetVersion, '0.0.0');
});

test('list follows continue, fills in kind/apiVersion on items and returns the list resourceVersion', async () => {
  answer = (r) => {
    const page = new URL(r.url, 'http://x').searchParams.get('continue');
    if (!page) return { body: { metadata: { resourceVersion: '50', continue: 'p2' }, items: [{ metadata: { name: 'a' } }] } };
    return { body: { metadata: { resourceVersion: '50' }, items: [{ metadata: { name: 'b' } }] } };
  };
  const start = server.requests.length;
  const list = await client.list(deployments, 'prod', { labelSelector: 'app=web', limit: 1 });
  assert.deepEqual(list.items.map((i) => i.metadata.name), ['a', 'b']);
  assert.equal(list.items[0].kind, 'Deployment');
  assert.equal(list.items[0].apiVersion, 'apps/v1');
  assert.equal(list.resourceVersion, '50');
  const urls = server.requests.slice(start).map((r) => r.url);
  assert.deepEqual(urls, ['/apis/apps/v1/namespaces/prod/deployments?labelSelector=app%3Dweb&limit=1', '/apis/apps/v1/namespaces/prod/deployments?labelSelector=app%3Dweb&limit=1&continue=p2']);
});

test('an expired continue token restarts the list once without paging', async () => {
  answer = (r) => {
    const q = new URL(r.url, 'http://x').searchParams;
    if (q.get('continue')) return { status: 410, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', message: 'The provided continue parameter is too old', code: 410 } };
    if (q.get('limit')) return { body: { metadata: { resourceVersion: '7', continue: 'old' }, items: [{ metadata: { name: 'a' } }] } };
    return { body: { metadata: { resourceVersion: '9' }, items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] } };
  };
  const list = await client.list(services, undefined, { limit: 1 });
  assert.deepEqual(list.items.map((i) => i.metadata.name), ['a', 'b']);
  assert.equal(list.resourceVersion, '9');
  assert.equal(lastRequest().url, '/api/v1/services');
});

test('create, update and updateStatus send the object with the right method and path', async () => {
  answer = (r) => ({ status: r.method === 'POST' ? 201 : 200, body: r.body });
  await client.create(services, undefined, svc('web'), { fieldManager: 'svcnet-test' });
  assert.equal(lastRequest().method, 'POST');
  assert.equal(lastRequest().url, '/api/v1/namespaces/default/services?fieldManager=svcnet-test');
  assert.equal(lastRequest().headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(lastRequest().body), svc('web'));
  await client.update(services, 'default', svc('web', '5'));
  assert.equal(lastRequest().method, 'PUT');
  assert.equal(lastRequest().url, '/api/v1/namespaces/default/services/web');
  await client.updateStatus(services, 'default', svc('web', '6'));
  assert.equal(lastRequest().url, '/api/v1/namespaces/default/services/web/status');
  await assert.rejects(client.create(services, undefined, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } }), { code: 'InvalidArgument' });
});

test('each patch type has its content type; apply carries fieldManager and force', async () => {
  answer = () => ({ body: svc('web') });
  const expected = {
    merge: 'application/merge-patch+json',
    strategic: 'application/strategic-merge-patch+json',
    json: 'application/json-patch+json',
  } as const;
  for (const [type, contentType] of Object.entries(expected)) {
    await client.patch(services, 'default', 'web', type === 'json' ? [{ op: 'add', path: '/metadata/labels', value: {} }] : { metadata: { labels: { a: 'b' } } }, type as keyof typeof expected);
    assert.equal(lastRequest().method, 'PATCH');
    assert.equal(lastRequest().headers['content-type'], contentType);
  }
  await client.patchStatus(services, 'default', 'web', { status: { loadBalancer: {} } }, 'apply', { fieldManager: 'svcnet-lb', force: true });
  assert.equal(lastRequest().headers['content-type'], 'application/apply-patch+yaml');
  assert.equal(lastRequest().url, '/api/v1/namespaces/default/services/web/status?fieldManager=svcnet-lb&force=true');
  await assert.rejects(client.patch(services, 'default', 'web', {}, 'apply'), { code: 'InvalidArgument' });
});

test('subresource calls: binding (POST), finalize (PUT), scale (GET, PATCH)', async () => {
  const pods = findResource('', 'v1', 'pods')!;
  const namespaces = findResource('', 'v1', 'namespaces')!;
  answer = () => ({ body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } });
  const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web-1' }, target: { kind: 'Node', name: 'node-1' } };
  await client.createSubresource(pods, 'default', 'web-1', 'binding', binding);
  assert.equal(lastRequest().method, 'POST');
  assert.equal(lastRequest().url, '/api/v1/namespaces/default/pods/web-1/binding');
  assert.deepEqual(JSON.parse(lastRequest().body), binding);
  await client.updateSubresource(namespaces, undefined, 'gone', 'finalize', { metadata: { name: 'gone' }, spec: { finalizers: [] } });
  assert.equal(lastRequest().method, 'PUT');
  assert.equal(lastRequest().url, '/api/v1/namespaces/gone/finalize');
  await client.getSubresource(deployments, 'default', 'web', 'scale');
  assert.equal(lastRequest().url, '/apis/apps/v1/namespaces/default/deployments/web/scale');
  await client.patchSubresource(deployments, 'default', 'web', 'scale', { spec: { replicas: 3 } }, 'merge');
  assert.equal(lastRequest().headers['content-type'], 'application/merge-patch+json');
});

test('delete sends DeleteOptions in the body', async () => {
  answer = () => ({ body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 } });
  await client.delete(services, 'default', 'web', { propagationPolicy: 'Foreground', gracePeriodSeconds: 0 });
  assert.equal(lastRequest().method, 'DELETE');
  assert.deepEqual(JSON.parse(lastRequest().body), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', gracePeriodSeconds: 0 });
  await client.deleteCollection(services, 'default', { labelSelector: 'app=web' }, { propagationPolicy: 'Background' });
  assert.equal(lastRequest().method, 'DELETE');
  assert.equal(lastRequest().url, '/api/v1/namespaces/default/services?labelSelector=app%3Dweb');
  assert.equal(JSON.parse(lastRequest().body).propagationPolicy, 'Background');
});

test('a non-2xx answer throws a ClientError with the decoded Status', async () => {
  answer = () => ({ status: 409, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'services "web" already exists', reason: 'AlreadyExists', details: { name: 'web', kind: 'services' }, code: 409 } });
  const err = await client.create(services, 'default', svc('web')).catch((e: unknown) => e);
  assert.ok(err instanceof ClientError);
  assert.equal(err.httpCode, 409);
  assert.equal(err.reason, 'AlreadyExists');
  assert.equal(err.message, 'services "web" already exists');
});

test('a server URL with a path prefix keeps the prefix', async () => {
  const prefixed = new ApiClient(connectionForUrl(`${server.url}/k8s/clusters/c-1/`));
  answer = () => ({ body: svc('web') });
  await prefixed.get(services, 'default', 'web');
  assert.equal(lastRequest().url, '/k8s/clusters/c-1/api/v1/namespaces/default/services/web');
  prefixed.close();
});

test('connection refused rejects with the network error', async () => {
  const gone = await listen(() => {});
  await gone.close();
  const c = new ApiClient(connectionForUrl(gone.url));
  await assert.rejects(c.get(services, 'default', 'web'), { code: 'ECONNREFUSED' });
  c.close();
});

test('watch reads events split at odd chunk boundaries and resolves when the server ends the stream', async () => {
  const lines = [
    JSON.stringify({ type: 'ADDED', object: svc('a', '11') }),
    JSON.stringify({ type: 'MODIFIED', object: svc('a', '12') }),
    JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Service', apiVersion: 'v1', metadata: { resourceVersion: '13' } } }),
  ].join('\n') + '\n';
  let query = '';
  const stand = await listen((req, res) => {
    query = req.url ?? '';
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // Cut the text into 7-byte pieces sent apart, so lines straddle chunks.
    const pieces = lines.match(/[\s\S]{1,7}/g) ?? [];
    const sendNext = () => (pieces.length ? res.write(pieces.shift(), () => setTimeout(sendNext, 1)) : res.end());
    sendNext();
  });
  const c = new ApiClient(connectionForUrl(stand.url));
  const got: WatchEvent[] = [];
  const h = c.watch(services, 'default', { resourceVersion: '10', allowWatchBookmarks: true, timeoutSeconds: 30, labelSelector: 'a=b' }, (e) => got.push(e));
  await h.done;
  assert.deepEqual(got.map((e) => `${e.type}:${e.object.metadata.resourceVersion}`), ['ADDED:11', 'MODIFIED:12', 'BOOKMARK:13']);
  assert.equal(query, '/api/v1/namespaces/default/services?watch=true&resourceVersion=10&labelSelector=a%3Db&allowWatchBookmarks=true&timeoutSeconds=30');
  c.close();
  await stand.close();
});

test('watch close() ends an open stream and done resolves', async () => {
  const stand = await listen((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(JSON.stringify({ type: 'ADDED', object: svc('a', '2') }) + '\n');
  });
  const c = new ApiClient(connectionForUrl(stand.url));
  let seen = 0;
  const h = c.watch(services, undefined, {}, () => {
    seen++;
    h.close();
    h.close();
  });
  await h.done;
  assert.equal(seen, 1);
  c.close();
  await stand.close();
});

test('watch answered with HTTP 410 rejects done with an Expired ClientError', async () => {
  answer = () => ({ status: 410, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 } });
  const h = client.watch(services, undefined, { resourceVersion: '1' }, () => {});
  await assert.rejects(h.done, (err: unknown) => err instanceof ClientError && err.httpCode === 410 && err.reason === 'Expired');
});

test('a malformed watch line rejects done', async () => {
  const stand = await listen((_req, res) => {
    res.writeHead(200);
    res.end('{"type":"ADDED","object":{}}\nnot json\n');
  });
  const c = new ApiClient(connectionForUrl(stand.url));
  await assert.rejects(c.watch(services, undefined, {}, () => {}).done, { code: 'WatchDecodeError' });
  c.close();
  await stand.close();
});
