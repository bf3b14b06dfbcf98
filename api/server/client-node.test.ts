/**
 * The official JS client (@kubernetes/client-node 1.x) against svcnet: its informer lists, then
 * watches; add/update/delete callbacks arrive, and it carries on after the server ends the watch
 * (reference/kube-api.md §11 row 34).
 */
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startApiFixture, type ApiFixture } from '../../testing/api-fixture.js';

let f: ApiFixture;
before(async () => {
  f = await startApiFixture();
});
after(async () => {
  await f?.close();
});

function pod(name: string, labels: Record<string, string> = {}): k8s.V1Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
}

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('client-node informer: add, update, delete, and it survives the server closing the watch', { timeout: 60_000 }, async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(f.server.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedPod({ namespace: 'default', body: pod('before') });

  const events: string[] = [];
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' }));
  informer.on('add', (p) => events.push(`add ${p.metadata?.name}`));
  informer.on('update', (p) => events.push(`update ${p.metadata?.name} ${p.metadata?.labels?.v ?? ''}`));
  informer.on('delete', (p) => events.push(`delete ${p.metadata?.name}`));
  const errors: unknown[] = [];
  informer.on('error', (e) => errors.push(e));
  await informer.start();
  try {
    await until(() => events.includes('add before'), 'the listed pod');
    await core.createNamespacedPod({ namespace: 'default', body: pod('live') });
    await until(() => events.includes('add live'), 'add from the watch');
    await core.patchNamespacedPod(
      { namespace: 'default', name: 'live', body: { metadata: { labels: { v: '2' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(() => events.includes('update live 2'), 'update');

    // The server ends every watch; the informer re-watches from its last resourceVersion.
    f.server.endWatches();
    await new Promise((r) => setTimeout(r, 300));
    await core.createNamespacedPod({ namespace: 'default', body: pod('after-reconnect') });
    await until(() => events.includes('add after-reconnect'), 'add after the watch was closed');
    await core.deleteNamespacedPod({ namespace: 'default', name: 'live' });
    await until(() => events.includes('delete live'), 'delete');
    assert.equal(events.filter((e) => e === 'add before').length, 1, `no duplicate adds: ${events.join(', ')}`);
    assert.deepEqual(errors, []);
  } finally {
    await informer.stop();
  }
});

test('client-node typed calls: errors arrive as ApiException with the Status body', async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(f.server.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await assert.rejects(core.readNamespacedService({ namespace: 'default', name: 'nothere' }), (err: unknown) => {
    const e = err as { code?: number; body?: string };
    assert.equal(e.code, 404);
    assert.equal(JSON.parse(e.body!).message, 'services "nothere" not found');
    return true;
  });
  // A JSON-patch content type with an object body is refused (client-node 1.x's default, reference §9).
  await assert.rejects(core.patchNamespacedService({ namespace: 'default', name: 'kubernetes', body: { metadata: { labels: { a: 'b' } } } }), (err: unknown) => {
    assert.equal((err as { code?: number }).code, 400);
    return true;
  });
});
