import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { ClientError } from '../../client/client-error.js';
import type { ApiClient } from '../../client/rest.js';
import { setLogSink } from '../../common/log.js';
import { EventRecorder, kubeTime } from './recorder.js';

setLogSink(() => {});

/** Records calls; answers 404 for patches of names in `missing`, fails creates while `failCreates`. */
function fakeClient() {
  const calls: { verb: string; namespace?: string; name?: string; body: unknown }[] = [];
  const state = { missing: new Set<string>(), failCreates: false, createDelayMs: 0 };
  const notFound = () => new ClientError(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'not found', reason: 'NotFound', code: 404 });
  const client = {
    async create(_ri: unknown, namespace: string, obj: KubeObject) {
      await new Promise((r) => setTimeout(r, state.createDelayMs));
      if (state.failCreates) throw new Error('connection refused');
      calls.push({ verb: 'create', namespace, name: obj.metadata.name, body: obj });
      return obj;
    },
    async patch(_ri: unknown, namespace: string, name: string, body: unknown) {
      if (state.missing.has(name)) throw notFound();
      calls.push({ verb: 'patch', namespace, name, body });
      return {};
    },
  };
  return { client: client as unknown as ApiClient, calls, state };
}

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', resourceVersion: '7' } };
const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u-n' } };

test('creates an Event with the involved object, source and timestamps', async () => {
  const { client, calls } = fakeClient();
  const now = Date.parse('2026-01-02T03:04:05.678Z');
  const r = new EventRecorder(client, { component: 'endpoint-controller', host: 'box', correlator: { now: () => now } });
  r.event(pod, 'Warning', 'FailedToUpdateEndpoint', 'boom');
  await r.flush();
  assert.equal(calls.length, 1);
  const ev = calls[0].body as Record<string, any>;
  assert.equal(calls[0].namespace, 'shop');
  assert.match(ev.metadata.name, /^web-1\.[0-9a-f]+$/);
  assert.deepEqual(ev.involvedObject, { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'u-1', apiVersion: 'v1', resourceVersion: '7' });
  assert.deepEqual(ev.source, { component: 'endpoint-controller', host: 'box' });
  assert.equal(ev.firstTimestamp, '2026-01-02T03:04:05Z');
  assert.equal(ev.lastTimestamp, '2026-01-02T03:04:05Z');
  assert.equal(ev.count, 1);
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.reportingComponent, 'endpoint-controller');
  assert.equal(ev.reportingInstance, 'box');
});

test('a repeated event patches count and lastTimestamp of the first, after its create', async () => {
  const { client, calls, state } = fakeClient();
  state.createDelayMs = 20;
  let now = 1_000_000;
  const r = new EventRecorder(client, { component: 'c', host: 'h', correlator: { now: () => now } });
  r.event(pod, 'Normal', 'Ready', 'ok');
  now += 5_000;
  r.event(pod, 'Normal', 'Ready', 'ok');
  now += 5_000;
  r.event(pod, 'Normal', 'Ready', 'ok');
  await r.flush();
  assert.deepEqual(calls.map((c) => c.verb), ['create', 'patch', 'patch']);
  assert.equal(calls[1].name, calls[0].name);
  assert.deepEqual(calls[2].body, { count: 3, lastTimestamp: kubeTime(now), message: 'ok' });
});

test('events about cluster-scoped objects go to the default namespace', async () => {
  const { client, calls } = fakeClient();
  const r = new EventRecorder(client, { component: 'c' });
  r.event(node, 'Normal', 'X', 'y');
  await r.flush();
  assert.equal(calls[0].namespace, 'default');
  assert.equal((calls[0].body as any).involvedObject.namespace, undefined);
});

test('a patch of an Event that is gone creates it again', async () => {
  const { client, calls, state } = fakeClient();
  const r = new EventRecorder(client, { component: 'c' });
  r.event(pod, 'Normal', 'R', 'm');
  await r.flush();
  state.missing.add(calls[0].name!);
  r.event(pod, 'Normal', 'R', 'm');
  await r.flush();
  assert.deepEqual(calls.map((c) => c.verb), ['create', 'create']);
  assert.equal((calls[1].body as any).count, 2);
});

test('write errors never reach the caller', async () => {
  const { client, state } = fakeClient();
  state.failCreates = true;
  const r = new EventRecorder(client, { component: 'c' });
  assert.doesNotThrow(() => r.event(pod, 'Normal', 'R', 'm'));
  await r.flush();
  assert.doesNotThrow(() => r.event({ kind: 'Pod' } as unknown as KubeObject, 'Normal', 'R', 'm'));
  await r.flush();
});

test('names are unique even within one millisecond', async () => {
  const { client, calls } = fakeClient();
  const r = new EventRecorder(client, { component: 'c', correlator: { now: () => 5, spamBurst: 1000, similarThreshold: 1000 } });
  for (let i = 0; i < 50; i++) r.event(pod, 'Normal', 'R', `m${i}`);
  await r.flush();
  assert.equal(new Set(calls.map((c) => c.name)).size, 50);
});
