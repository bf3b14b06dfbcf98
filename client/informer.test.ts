import assert from 'node:assert/strict';
import { afterEach, before, test } from 'node:test';
import { findResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { setLogSink } from '../common/log.js';
import { connectionForUrl } from './connection.js';
import { Informer, type InformerOptions } from './informer.js';
import { ApiClient } from './rest.js';
import { listen } from './testing/listen.js';
import { StandInListWatchServer } from './testing/stand-in-list-watch-server.js';

const services = findResource('', 'v1', 'services')!;
const fastBackoff = { initialMs: 10, maxMs: 100 };

const svc = (name: string, labels: Record<string, string> = {}, port = 80): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', labels },
  spec: { ports: [{ port }] },
});

before(() => setLogSink(() => {}));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A stand-in server, a client and an informer whose handler calls are written down as `add:web@101`. */
async function setUp(opts: InformerOptions = {}) {
  const stand = new StandInListWatchServer(services);
  await stand.start();
  cleanups.push(() => stand.stop());
  const client = new ApiClient(connectionForUrl(stand.url));
  cleanups.push(() => client.close());
  const informer = new Informer(client, services, { backoff: fastBackoff, ...opts });
  cleanups.push(() => informer.stop());
  const events: string[] = [];
  const at = (o: KubeObject) => `${o.metadata.name}@${o.metadata.resourceVersion}`;
  informer.addEventHandler({
    onAdd: (o) => events.push(`add:${at(o)}`),
    onUpdate: (a, b) => events.push(`update:${at(a)}->${at(b)}`),
    onDelete: (o) => events.push(`delete:${at(o)}`),
  });
  return { stand, client, informer, events };
}

async function waitUntil(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const rvOf = (o: KubeObject) => o.metadata.resourceVersion;
const listRequests = (stand: StandInListWatchServer) => stand.requests.filter((r) => !r.url.includes('watch=')).length;

test('adds from the (paged) list, then add, update and delete from the watch', async () => {
  const { stand, informer, events } = await setUp({ pageSize: 2 });
  const a = stand.put(svc('a'));
  const b = stand.put(svc('b'));
  const c = stand.put(svc('c'));
  informer.start();
  await informer.waitForSync();
  assert.ok(informer.hasSynced());
  assert.deepEqual(events, [`add:a@${rvOf(a)}`, `add:b@${rvOf(b)}`, `add:c@${rvOf(c)}`]);
  assert.equal(listRequests(stand), 2, 'three objects in pages of two');
  await stand.waitForWatchers(1);
  assert.match(stand.requests.at(-1)!.url, new RegExp(`watch=true&resourceVersion=${rvOf(c)}&allowWatchBookmarks=true&timeoutSeconds=\\d+`));

  const d = stand.put(svc('d'));
  const a2 = stand.put(svc('a', {}, 8080));
  stand.remove('default', 'b');
  await waitUntil('watch events', () => events.length === 6);
  assert.deepEqual(events.slice(3), [`add:d@${rvOf(d)}`, `update:a@${rvOf(a)}->a@${rvOf(a2)}`, `delete:b@${Number(rvOf(a2)) + 1}`]);
  assert.deepEqual(informer.keys().sort(), ['default/a', 'default/c', 'default/d']);
  assert.deepEqual(informer.get('default', 'a')?.spec, { ports: [{ port: 8080 }] });
  assert.equal(informer.get('default', 'b'), undefined);
  assert.equal(informer.lastResourceVersion, stand.resourceVersion);
});

test('a watch the server closes is resumed from the last resourceVersion without repeating events', async () => {
  const { stand, informer, events } = await setUp();
  stand.put(svc('a'));
  informer.start();
  await stand.waitForWatchers(1);
  stand.put(svc('b'));
  await waitUntil('add b', () => events.length === 2);
  const lastRv = stand.resourceVersion;

  stand.closeWatches();
  await stand.waitForWatchers(1);
  const rewatch = stand.requests.at(-1)!.url;
  assert.match(rewatch, new RegExp(`watch=true&resourceVersion=${lastRv}&`));
  stand.put(svc('c'));
  await waitUntil('add c', () => events.length === 3);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(events.map((e) => e.split('@')[0]), ['add:a', 'add:b', 'add:c']);
  assert.equal(listRequests(stand), 1, 'no re-list after a normal close');
});

for (const expiredAs of ['event', 'http'] as const) {
  test(`410 Expired (${expiredAs}) → re-list, and the difference is delivered, deletions included`, async () => {
    const { stand, informer, events } = await setUp();
    stand.expiredAs = expiredAs;
    const a = stand.put(svc('a'));
    stand.put(svc('b'));
    const c = stand.put(svc('c'));
    informer.start();
    await stand.waitForWatchers(1);

    // Changes the informer cannot see: the server is away, then comes back without the history.
    const port = stand.port;
    await stand.stop();
    stand.remove('default', 'b');
    const a2 = stand.put(svc('a', {}, 81));
    const d = stand.put(svc('d'));
    stand.compact();
    await stand.start(port);

    await waitUntil('re-list diff', () => events.length === 6);
    assert.deepEqual(events.slice(3).sort(), [`add:d@${rvOf(d)}`, `delete:b@${Number(rvOf(c)) - 1}`, `update:a@${rvOf(a)}->a@${rvOf(a2)}`].sort());
    assert.equal(events.slice(3).filter((e) => e.startsWith('add:c')).length, 0, 'unchanged c is not re-added');
    assert.equal(listRequests(stand), 2);
    await stand.waitForWatchers(1);
    assert.match(stand.requests.at(-1)!.url, new RegExp(`resourceVersion=${stand.resourceVersion}&`));
  });
}

test('server down for a while: retries with backoff, then resumes from history without a re-list', async () => {
  const { stand, informer, events } = await setUp();
  stand.put(svc('a'));
  informer.start();
  await stand.waitForWatchers(1);
  const port = stand.port;
  await stand.stop();
  stand.put(svc('b'));
  await new Promise((r) => setTimeout(r, 300));
  const attemptsWhileDown = stand.requests.length;
  await stand.start(port);
  await waitUntil('add b after restart', () => events.length === 2);
  assert.deepEqual(events.map((e) => e.split('@')[0]), ['add:a', 'add:b']);
  assert.equal(listRequests(stand), 1);
  assert.equal(attemptsWhileDown, stand.requests.length - 1, 'requests while down never reached the server');
});

test('an informer started while the server is down syncs when it comes up; stop before sync rejects waiters', async () => {
  const { stand, informer, events } = await setUp();
  const port = stand.port;
  stand.put(svc('a'));
  await stand.stop();
  informer.start();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(informer.hasSynced(), false);
  await stand.start(port);
  await informer.waitForSync();
  assert.deepEqual(events.map((e) => e.split('@')[0]), ['add:a']);

  const { informer: never, stand: stand2 } = await setUp();
  await stand2.stop();
  never.start();
  const waiting = assert.rejects(never.waitForSync(), { code: 'InformerStopped' });
  await never.stop();
  await waiting;
  await assert.rejects(never.waitForSync(), { code: 'InformerStopped' });
});

test('bookmarks move the resourceVersion without handler calls', async () => {
  const { stand, informer, events } = await setUp({ labelSelector: 'app=web' });
  stand.put(svc('web', { app: 'web' }));
  informer.start();
  await stand.waitForWatchers(1);
  // Changes the selector hides advance the server's version; only a bookmark tells the informer.
  stand.put(svc('db', { app: 'db' }));
  stand.put(svc('db2', { app: 'db' }));
  const before = informer.lastResourceVersion;
  stand.sendBookmark();
  await waitUntil('bookmark', () => informer.lastResourceVersion !== before);
  assert.equal(informer.lastResourceVersion, stand.resourceVersion);
  assert.deepEqual(events.map((e) => e.split('@')[0]), ['add:web']);
  stand.closeWatches();
  await stand.waitForWatchers(1);
  assert.match(stand.requests.at(-1)!.url, new RegExp(`resourceVersion=${stand.resourceVersion}&`));
});

test('label selectors go to list and watch', async () => {
  const { stand, informer, events } = await setUp({ labelSelector: 'app=web' });
  stand.put(svc('web', { app: 'web' }));
  stand.put(svc('db', { app: 'db' }));
  informer.start();
  await stand.waitForWatchers(1);
  stand.put(svc('web2', { app: 'web' }));
  stand.put(svc('db2', { app: 'db' }));
  await waitUntil('add web2', () => events.length === 2);
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(events.map((e) => e.split('@')[0]), ['add:web', 'add:web2']);
  assert.ok(stand.requests.every((r) => r.url.includes('labelSelector=app%3Dweb')));
});

test('resync re-delivers onUpdate(obj, obj) for every cached object', async () => {
  const { stand, informer, events } = await setUp({ resyncPeriodMs: 40 });
  const a = stand.put(svc('a'));
  informer.start();
  await informer.waitForSync();
  await waitUntil('a resync', () => events.includes(`update:a@${rvOf(a)}->a@${rvOf(a)}`));
});

test('a throwing handler does not stop other handlers; late handlers get the cache as adds', async () => {
  const { stand, informer, events } = await setUp();
  informer.onAdd(() => {
    throw new Error('boom');
  });
  stand.put(svc('a'));
  informer.start();
  await stand.waitForWatchers(1);
  stand.put(svc('b'));
  await waitUntil('add b', () => events.length === 2);
  const late: string[] = [];
  const unsubscribe = informer.onAdd((o) => late.push(o.metadata.name!));
  assert.deepEqual(late.sort(), ['a', 'b']);
  unsubscribe();
  stand.put(svc('c'));
  await waitUntil('add c', () => events.length === 3);
  assert.deepEqual(late.sort(), ['a', 'b']);
});

test('stop() is idempotent, closes the watch and no event arrives afterwards', async () => {
  const { stand, informer, events } = await setUp();
  informer.start();
  await stand.waitForWatchers(1);
  await Promise.all([informer.stop(), informer.stop()]);
  await informer.stop();
  await waitUntil('watch closed', () => stand.watcherCount === 0);
  const requests = stand.requests.length;
  stand.put(svc('late'));
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(events, []);
  assert.equal(stand.requests.length, requests);
  informer.start();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(stand.requests.length, requests, 'a stopped informer does not start again');
});

test('a server that ends every watch at once is retried with backoff, not in a hot loop', async () => {
  let watches = 0;
  const server = await listen((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (req.url?.includes('watch=true')) {
      watches++;
      res.end();
    } else res.end(JSON.stringify({ metadata: { resourceVersion: '5' }, items: [] }));
  });
  const client = new ApiClient(connectionForUrl(server.url));
  const informer = new Informer(client, services, { backoff: { initialMs: 10, maxMs: 100 } });
  cleanups.push(() => server.close(), () => client.close(), () => informer.stop());
  informer.start();
  await new Promise((r) => setTimeout(r, 500));
  // 10+20+40+80+100+100+... ms: about 8 attempts in 500 ms; without backoff it would be hundreds.
  assert.ok(watches >= 3 && watches <= 15, `watches: ${watches}`);
  assert.ok(informer.hasSynced());
});

test('an ERROR event other than 410 → retry the watch from the same version, no re-list', async () => {
  const urls: string[] = [];
  const server = await listen((req, res) => {
    urls.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (!req.url?.includes('watch=true')) return res.end(JSON.stringify({ metadata: { resourceVersion: '5' }, items: [] }));
    if (urls.filter((u) => u.includes('watch=true')).length === 1) {
      return res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', message: 'etcd hiccup', code: 500 } }) + '\n');
    }
    res.write(JSON.stringify({ type: 'ADDED', object: svc('a', {}, 1) }).replace('"metadata":{', '"metadata":{"resourceVersion":"6",') + '\n');
  });
  const client = new ApiClient(connectionForUrl(server.url));
  const informer = new Informer(client, services, { backoff: fastBackoff });
  cleanups.push(() => server.close(), () => client.close(), () => informer.stop());
  informer.start();
  await waitUntil('object from the second watch', () => informer.get('default', 'a') !== undefined);
  const watches = urls.filter((u) => u.includes('watch=true'));
  assert.equal(watches.length, 2);
  assert.ok(watches.every((u) => u.includes('resourceVersion=5&')));
  assert.equal(urls.length - watches.length, 1, 'one list only');
});

test('a transform shapes what is cached and handed to handlers, from the list and from the watch', async () => {
  const keepName = (o: KubeObject): KubeObject => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace, resourceVersion: o.metadata.resourceVersion } });
  const { stand, informer, events } = await setUp({ transform: keepName });
  stand.put(svc('a', { app: 'x' }));
  informer.start();
  await informer.waitForSync();
  await stand.waitForWatchers(1);
  const b = stand.put(svc('b', { app: 'y' }, 8080));
  await waitUntil('add b', () => events.length === 2);
  for (const name of ['a', 'b']) {
    const cached = informer.get('default', name)!;
    assert.equal(cached.spec, undefined, `${name}: spec dropped`);
    assert.equal(cached.metadata.labels, undefined, `${name}: labels dropped`);
  }
  assert.equal(informer.get('default', 'b')!.metadata.resourceVersion, rvOf(b));
  stand.remove('default', 'b');
  await waitUntil('delete b', () => events.length === 3);
  assert.deepEqual(informer.keys(), ['default/a']);
});
