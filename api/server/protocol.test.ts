/**
 * The API protocol over raw HTTPS, for what kubectl does not exercise directly: watch semantics
 * (resourceVersion, bookmarks, 410, selector transitions), pagination, optimistic concurrency,
 * no-op writes, dryRun, finalizers, graceful pod deletion, deletecollection, and bad input.
 */
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startApiFixture, type ApiFixture } from '../../testing/api-fixture.js';
import { apiRequest, targetFromKubeconfig, type ApiTarget } from '../../testing/api-request.js';

let f: ApiFixture;
let t: ApiTarget;
before(async () => {
  f = await startApiFixture();
  t = targetFromKubeconfig(f.server.kubeconfigPath);
});
after(async () => {
  t?.agent.destroy();
  await f?.close();
});

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { a: '1' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data });
const post = (path: string, body: unknown) => apiRequest(t, 'POST', path, body);
const cms = '/api/v1/namespaces/default/configmaps';

/** Collects watch events until `count` arrived or the stream ends. */
function watch(path: string, count: number, timeoutMs = 5000): Promise<{ status: number; events: any[] }> {
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    const req = request(new URL(path, t.url), { ca: t.ca, headers: { Authorization: `Bearer ${t.token}` } }, (res) => {
      let buf = '';
      const done = () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, events });
      };
      const timer = setTimeout(done, timeoutMs);
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
          if (events.length >= count) done();
        }
      });
      res.on('end', done);
    });
    req.on('error', (e) => (events.length ? resolve({ status: 200, events }) : reject(e)));
    req.end();
  });
}

test('authentication: 401 without the token, except health and version', async () => {
  const anon: ApiTarget = { ...t, token: 'wrong' };
  assert.equal((await apiRequest(anon, 'GET', '/api/v1/namespaces')).status, 401);
  for (const p of ['/healthz', '/livez', '/readyz', '/version']) assert.equal((await apiRequest(anon, 'GET', p)).status, 200, p);
  assert.equal((await apiRequest(anon, 'GET', '/readyz')).body, 'ok');
  assert.match((await apiRequest(anon, 'GET', '/version')).json().gitVersion, /^v1\.32\./);
});

test('watch from a resourceVersion streams only later changes, in order, one JSON object per line', async () => {
  const a = (await post(cms, cm('w-a'))).json();
  const pending = watch(`${cms}?watch=true&resourceVersion=${a.metadata.resourceVersion}`, 3);
  await new Promise((r) => setTimeout(r, 100));
  const b = (await post(cms, cm('w-b'))).json();
  await apiRequest(t, 'PATCH', `${cms}/w-a`, { data: { a: '2' } }, 'application/merge-patch+json');
  await apiRequest(t, 'DELETE', `${cms}/w-b`);
  const { events } = await pending;
  assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED w-b', 'MODIFIED w-a', 'DELETED w-b']);
  assert.ok(Number(events[2].object.metadata.resourceVersion) > Number(b.metadata.resourceVersion), 'DELETED carries the deletion revision');
});

test('watch without resourceVersion starts with synthetic ADDED events; selectors turn matches into ADDED/DELETED', async () => {
  await post(cms, cm('sel-1', { tier: 'x' }));
  const pending = watch(`${cms}?watch=true&labelSelector=tier%3Dx`, 3);
  await new Promise((r) => setTimeout(r, 100));
  await apiRequest(t, 'PATCH', `${cms}/sel-1`, { metadata: { labels: { tier: 'y' } } }, 'application/merge-patch+json');
  await post(cms, cm('sel-2', { tier: 'x' }));
  const { events } = await pending;
  assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED sel-1', 'DELETED sel-1', 'ADDED sel-2']);
});

test('bookmarks only when asked for, and a compacted resourceVersion gets a 410 ERROR event', async () => {
  const rv = f.server.store.currentRevision();
  const plain = await watch(`${cms}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`, 1, 3000);
  assert.deepEqual(plain.events, [], 'no bookmark without allowWatchBookmarks');
  const initial = await watch(`${cms}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`, 1000, 1500);
  const bookmark = initial.events.find((e) => e.type === 'BOOKMARK');
  assert.equal(bookmark?.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  f.server.store.compact(f.server.store.currentRevision());
  const old = await watch(`${cms}?watch=true&resourceVersion=1`, 1);
  assert.equal(old.status, 200);
  assert.equal(old.events[0].type, 'ERROR');
  assert.equal(old.events[0].object.code, 410);
  assert.equal(old.events[0].object.reason, 'Expired');
  assert.match(old.events[0].object.message, /^too old resource version: 1 \(\d+\)$/);
});

test('limit and continue page through a list at one resourceVersion', async () => {
  for (let i = 0; i < 7; i++) await post('/api/v1/namespaces/kube-public/configmaps', cm(`page-${i}`));
  const names: string[] = [];
  let cont = '';
  let pages = 0;
  let rv = '';
  do {
    const r = (await apiRequest(t, 'GET', `/api/v1/namespaces/kube-public/configmaps?limit=3${cont ? `&continue=${cont}` : ''}`)).json();
    names.push(...r.items.map((i: any) => i.metadata.name));
    if (pages === 0) rv = r.metadata.resourceVersion;
    else assert.equal(r.metadata.resourceVersion, rv, 'later pages report the first page\'s revision');
    cont = r.metadata.continue ?? '';
    pages++;
  } while (cont);
  assert.equal(pages, 3);
  assert.deepEqual(names, Array.from({ length: 7 }, (_, i) => `page-${i}`));
  const bad = await apiRequest(t, 'GET', '/api/v1/namespaces/kube-public/configmaps?limit=3&continue=garbage');
  assert.equal(bad.status, 400);
});

test('optimistic concurrency: a stale resourceVersion is a 409; a no-op write keeps the resourceVersion', async () => {
  const created = (await post(cms, cm('occ'))).json();
  const upd = await apiRequest(t, 'PUT', `${cms}/occ`, { ...created, data: { a: '2' } });
  assert.equal(upd.status, 200);
  const stale = await apiRequest(t, 'PUT', `${cms}/occ`, { ...created, data: { a: '3' } });
  assert.equal(stale.status, 409);
  assert.equal(stale.json().reason, 'Conflict');
  assert.equal(stale.json().message, 'Operation cannot be fulfilled on configmaps "occ": the object has been modified; please apply your changes to the latest version and try again');
  const same = await apiRequest(t, 'PUT', `${cms}/occ`, upd.json());
  assert.equal(same.json().metadata.resourceVersion, upd.json().metadata.resourceVersion);
});

test('dryRun=All validates and allocates nothing, stores nothing', async () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'dry' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30999 }] } };
  const r = await apiRequest(t, 'POST', '/api/v1/namespaces/default/services?dryRun=All', svc);
  assert.equal(r.status, 201);
  assert.match(r.json().spec.clusterIP, /^10\./);
  assert.equal((await apiRequest(t, 'GET', '/api/v1/namespaces/default/services/dry')).status, 404);
  assert.equal((await post('/api/v1/namespaces/default/services', { ...svc, metadata: { name: 'real' } })).status, 201, 'the dry-run node port was not kept');
});

test('bad input: malformed JSON 400, oversized body 413, unknown kind 404, protobuf 415, invalid object 422 with causes', async () => {
  const malformed = await apiRequest(t, 'POST', cms, '{"apiVersion": "v1", "kind": ');
  assert.equal(malformed.status, 400);
  assert.equal(malformed.json().kind, 'Status');
  const huge = await apiRequest(t, 'POST', cms, JSON.stringify(cm('huge', {}, { a: 'x'.repeat(4 * 1024 * 1024) })));
  assert.equal(huge.status, 413);
  assert.equal((await apiRequest(t, 'GET', '/api/v1/namespaces/default/widgets')).status, 404);
  assert.equal((await apiRequest(t, 'GET', '/apis/example.com/v1/things')).status, 404);
  const proto = await apiRequest(t, 'POST', cms, Buffer.from('k8s\0garbage'), 'application/vnd.kubernetes.protobuf');
  assert.equal(proto.status, 415);
  const bad = await post(cms, cm('Bad_Name'));
  assert.equal(bad.status, 422);
  assert.equal(bad.json().details.causes[0].field, 'metadata.name');
  assert.equal(bad.json().details.causes[0].reason, 'FieldValueInvalid');
  const wrongKind = await post(cms, { ...cm('x'), kind: 'Secret' });
  assert.equal(wrongKind.status, 400);
  assert.equal((await apiRequest(t, 'GET', '/healthz')).status, 200, 'still serving');
});

test('finalizers hold a deleted object until they are removed', async () => {
  await post(cms, { ...cm('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
  const del = await apiRequest(t, 'DELETE', `${cms}/fin`);
  assert.equal(del.status, 200);
  const held = (await apiRequest(t, 'GET', `${cms}/fin`)).json();
  assert.ok(held.metadata.deletionTimestamp);
  await apiRequest(t, 'PATCH', `${cms}/fin`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
  assert.equal((await apiRequest(t, 'GET', `${cms}/fin`)).status, 404);
});

test('propagation policies become finalizers: Foreground and Orphan', async () => {
  await post(cms, cm('fg'));
  await apiRequest(t, 'DELETE', `${cms}/fg`, { propagationPolicy: 'Foreground' });
  assert.deepEqual((await apiRequest(t, 'GET', `${cms}/fg`)).json().metadata.finalizers, ['foregroundDeletion']);
  await post(cms, cm('or'));
  await apiRequest(t, 'DELETE', `${cms}/or?propagationPolicy=Orphan`);
  assert.deepEqual((await apiRequest(t, 'GET', `${cms}/or`)).json().metadata.finalizers, ['orphan']);
  const bad = await apiRequest(t, 'DELETE', `${cms}/or?propagationPolicy=Sideways`);
  assert.equal(bad.status, 400);
});

test('graceful pod deletion: a pod on a node gets a deletionTimestamp; its node ends it with grace 0', async () => {
  const pods = '/api/v1/namespaces/default/pods';
  await post(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'g' }, spec: { nodeName: 'node1', terminationGracePeriodSeconds: 20, containers: [{ name: 'c', image: 'busybox' }] } });
  const first = (await apiRequest(t, 'DELETE', `${pods}/g`)).json();
  assert.equal(first.metadata.deletionGracePeriodSeconds, 20);
  assert.ok(first.metadata.deletionTimestamp);
  assert.equal((await apiRequest(t, 'GET', `${pods}/g`)).status, 200);
  await apiRequest(t, 'DELETE', `${pods}/g`, { gracePeriodSeconds: 0 });
  assert.equal((await apiRequest(t, 'GET', `${pods}/g`)).status, 404);
  await post(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unbound' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  await apiRequest(t, 'DELETE', `${pods}/unbound`);
  assert.equal((await apiRequest(t, 'GET', `${pods}/unbound`)).status, 404, 'a pod on no node goes at once');
});

test('deletecollection with a label selector', async () => {
  for (const n of ['dc-1', 'dc-2', 'dc-3']) await post(cms, cm(n, { batch: n === 'dc-3' ? 'keep' : 'drop' }));
  const r = await apiRequest(t, 'DELETE', `${cms}?labelSelector=batch%3Ddrop`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json().items.map((i: any) => i.metadata.name).sort(), ['dc-1', 'dc-2']);
  const left = (await apiRequest(t, 'GET', `${cms}?labelSelector=batch`)).json().items.map((i: any) => i.metadata.name);
  assert.deepEqual(left, ['dc-3']);
});

test('namespace deletion: Terminating, and no new content in it', async () => {
  await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
  await apiRequest(t, 'DELETE', '/api/v1/namespaces/doomed');
  const ns = (await apiRequest(t, 'GET', '/api/v1/namespaces/doomed')).json();
  assert.equal(ns.status.phase, 'Terminating');
  const r = await post('/api/v1/namespaces/doomed/configmaps', cm('late'));
  assert.equal(r.status, 403);
  assert.equal(r.json().message, 'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated');
  const missing = await post('/api/v1/namespaces/nowhere/configmaps', cm('x'));
  assert.equal(missing.status, 404);
  assert.equal(missing.json().message, 'namespaces "nowhere" not found');
});

test('legacy Ingress manifests (extensions/v1beta1) are accepted and stored as networking.k8s.io/v1', async () => {
  const legacy = { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'old' }, spec: { rules: [{ host: 'kubia.example.com', http: { paths: [{ path: '/', backend: { serviceName: 'kubia', servicePort: 80 } }] } }] } };
  const r = await post('/apis/networking.k8s.io/v1/namespaces/default/ingresses', legacy);
  assert.equal(r.status, 201, r.body);
  const path = r.json().spec.rules[0].http.paths[0];
  assert.equal(r.json().apiVersion, 'networking.k8s.io/v1');
  assert.deepEqual(path.backend, { service: { name: 'kubia', port: { number: 80 } } });
  assert.equal(path.pathType, 'ImplementationSpecific');
});

test('server-side apply keeps ownership across applies: a field dropped from the manifest is removed, another manager\'s stays', async () => {
  const path = '/api/v1/namespaces/default/configmaps/ssa-own';
  const apply = (body: unknown, manager: string) => apiRequest(t, 'PATCH', `${path}?fieldManager=${manager}`, body, 'application/apply-patch+yaml');
  const first = await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa-own', labels: { a: '1', b: '2' } }, data: { k: 'v' } }, 'alice');
  assert.equal(first.status, 201, first.body);
  assert.equal((await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa-own', labels: { c: '3' } } }, 'bob')).status, 200);
  const again = await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa-own', labels: { a: '1' } }, data: { k: 'v' } }, 'alice');
  assert.equal(again.status, 200, again.body);
  assert.deepEqual(again.json().metadata.labels, { a: '1', c: '3' });
  assert.ok(again.json().metadata.managedFields.some((m: any) => m.manager === 'alice' && m.operation === 'Apply'));
  const noManager = await apiRequest(t, 'PATCH', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa-own' } }, 'application/apply-patch+yaml');
  assert.equal(noManager.status, 422);
});

test('namespaces/finalize: clearing the kubernetes finalizer of a terminating namespace removes it', async () => {
  await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fin-ns' } });
  await apiRequest(t, 'DELETE', '/api/v1/namespaces/fin-ns');
  const ns = (await apiRequest(t, 'GET', '/api/v1/namespaces/fin-ns')).json();
  assert.deepEqual(ns.spec.finalizers, ['kubernetes']);
  // The main endpoint cannot change spec.finalizers; only /finalize can.
  await apiRequest(t, 'PUT', '/api/v1/namespaces/fin-ns', { ...ns, spec: { finalizers: [] } });
  assert.deepEqual((await apiRequest(t, 'GET', '/api/v1/namespaces/fin-ns')).json().spec.finalizers, ['kubernetes']);
  const r = await apiRequest(t, 'PUT', '/api/v1/namespaces/fin-ns/finalize', { ...ns, spec: { finalizers: [] } });
  assert.equal(r.status, 200, r.body);
  assert.equal((await apiRequest(t, 'GET', '/api/v1/namespaces/fin-ns')).status, 404);
});
