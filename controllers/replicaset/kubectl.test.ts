/** A bare ReplicaSet through the real kubectl: adoption, release, scale-down order, status. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { kubectlAvailable, tableRows } from '../../testing/api-fixture.js';
import { eventually, startTestCluster } from './test-cluster.js';

const rsYaml = `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: frontend}
spec:
  replicas: 3
  selector: {matchLabels: {tier: frontend}}
  template:
    metadata: {labels: {tier: frontend}}
    spec:
      containers: [{name: web, image: nginx}]
`;

const orphanYaml = `apiVersion: v1
kind: Pod
metadata: {name: orphan, labels: {tier: frontend}}
spec:
  containers: [{name: web, image: nginx}]
`;

test('ReplicaSet with the real kubectl', { skip: !kubectlAvailable() && 'kubectl not installed', timeout: 90_000 }, async (t) => {
  const c = await startTestCluster();
  t.after(() => c.close());
  const k = (args: string | string[]) => c.fixture.kubectl(args);
  const podsOf = async (): Promise<KubeObject[]> => JSON.parse((await k('get pods -l tier=frontend -o json')).stdout).items.filter((p: KubeObject) => !p.metadata.deletionTimestamp);

  await t.test('an orphan with matching labels is adopted instead of a new pod being made', async () => {
    assert.equal((await k(['apply', '-f', c.fixture.file('orphan.yaml', orphanYaml)])).stdout, 'pod/orphan created\n');
    assert.equal((await k(['apply', '-f', c.fixture.file('rs.yaml', rsYaml)])).stdout, 'replicaset.apps/frontend created\n');
    await eventually('3/3 ready', async () => tableRows((await k('get rs frontend')).stdout)[1]?.slice(1, 4).join(' ') === '3 3 3');
    const pods = await podsOf();
    assert.equal(pods.length, 3);
    const orphan = pods.find((p) => p.metadata.name === 'orphan');
    assert.equal(orphan?.metadata.ownerReferences?.[0].name, 'frontend');
    assert.equal(orphan?.metadata.ownerReferences?.[0].controller, true);
    for (const p of pods.filter((x) => x !== orphan)) assert.match(p.metadata.name!, /^frontend-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const status = JSON.parse((await k('get rs frontend -o json')).stdout).status;
    assert.deepEqual(status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
  });

  await t.test('a pod relabelled out of the selector is released and replaced', async () => {
    assert.equal((await k('label pod orphan tier=debug --overwrite')).stdout, 'pod/orphan labeled\n');
    await eventually('released', async () => JSON.parse((await k('get pod orphan -o json')).stdout).metadata.ownerReferences === undefined);
    await eventually('replaced', async () => (await podsOf()).length === 3);
  });

  await t.test('scaling down deletes the not-ready pod first', async () => {
    c.kubelet.makeReady = false;
    assert.equal((await k('scale rs frontend --replicas=4')).stdout, 'replicaset.apps/frontend scaled\n');
    const pending = await eventually('a fourth, not ready pod', async () => (await podsOf()).find((p) => (p.status as { phase?: string }).phase === 'Pending'));
    assert.equal((await k('scale rs frontend --replicas=3')).stdout, 'replicaset.apps/frontend scaled\n');
    await eventually('the pending pod deleted', async () => {
      const pods = await podsOf();
      return pods.length === 3 && !pods.some((p) => p.metadata.name === pending.metadata.name);
    });
    c.kubelet.makeReady = true;
    const describe = (await k('describe rs frontend')).stdout;
    assert.match(describe, new RegExp(`SuccessfulDelete\\s+.*replicaset-controller\\s+Deleted pod: ${pending.metadata.name}`));
  });
});
