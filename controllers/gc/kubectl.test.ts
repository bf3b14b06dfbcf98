/** Garbage collection through the real kubectl: background, foreground and orphan propagation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { kubectlAvailable } from '../../testing/api-fixture.js';
import { eventually, startTestCluster, type TestCluster } from '../replicaset/test-cluster.js';

function deploymentYaml(name: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: web, image: nginx}]
`;
}

async function items(c: TestCluster, args: string): Promise<KubeObject[]> {
  const r = await c.fixture.kubectl(`get ${args} -o json`);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { items: KubeObject[] }).items;
}

async function rolledOut(c: TestCluster, name: string, replicas: number): Promise<void> {
  assert.equal((await c.fixture.kubectl(['apply', '-f', c.fixture.file(`${name}.yaml`, deploymentYaml(name, replicas))])).code, 0);
  const r = await c.fixture.kubectl(`rollout status deploy/${name} --timeout=30s`);
  assert.equal(r.code, 0, r.stderr);
}

test('garbage collection with the real kubectl', { skip: !kubectlAvailable() && 'kubectl not installed', timeout: 120_000 }, async (t) => {
  const c = await startTestCluster();
  t.after(() => c.close());

  await t.test('background: an owner of another kind goes, its dependents follow', async () => {
    const ownerYaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: owner}\ndata: {a: b}\n';
    assert.equal((await c.fixture.kubectl(['apply', '-f', c.fixture.file('owner.yaml', ownerYaml)])).code, 0);
    const owner = (await items(c, 'configmaps --field-selector metadata.name=owner'))[0];
    const dependent = `apiVersion: v1
kind: Secret
metadata:
  name: dependent
  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: owner, uid: ${owner.metadata.uid}}]
stringData: {x: y}
`;
    assert.equal((await c.fixture.kubectl(['apply', '-f', c.fixture.file('dep.yaml', dependent)])).code, 0);
    // An owner that exists keeps its dependent.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await c.fixture.kubectl('get secret dependent')).code, 0);
    assert.equal((await c.fixture.kubectl('delete configmap owner')).code, 0);
    await eventually('the secret collected', async () => (await c.fixture.kubectl('get secret dependent')).stderr.includes('NotFound'));
  });

  await t.test('foreground: kubectl returns once the ReplicaSet and pods are gone, then the Deployment', async () => {
    await rolledOut(c, 'fg', 2);
    const r = await c.fixture.kubectl('delete deploy fg --cascade=foreground --timeout=30s');
    assert.equal(r.stdout, 'deployment.apps "fg" deleted\n', r.stderr);
    assert.deepEqual(await items(c, 'deploy,rs,pods -l app=fg'), []);
    assert.equal((await c.fixture.kubectl('get deploy fg')).code, 1);
  });

  await t.test('orphan: the ReplicaSet and pods stay, without a reference to the deleted Deployment', async () => {
    await rolledOut(c, 'orph', 2);
    const r = await c.fixture.kubectl('delete deploy orph --cascade=orphan --timeout=30s');
    assert.equal(r.stdout, 'deployment.apps "orph" deleted\n', r.stderr);
    await eventually('Deployment gone', async () => (await c.fixture.kubectl('get deploy orph')).code === 1);
    const rss = await items(c, 'rs -l app=orph');
    assert.equal(rss.length, 1);
    assert.equal(rss[0].metadata.ownerReferences, undefined);
    const pods = await items(c, 'pods -l app=orph');
    assert.equal(pods.length, 2);
    assert.ok(pods.every((p) => p.metadata.ownerReferences?.[0].uid === rss[0].metadata.uid));
    // Nothing deletes them later either.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await items(c, 'pods -l app=orph')).length, 2);
  });
});
