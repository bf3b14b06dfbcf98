/**
 * Restarting the control plane in the middle of a rollout: the controllers and the API server
 * stop while new pods are not yet ready, come back on the same data dir, and the rollout
 * finishes with nothing duplicated or left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findResource } from '../../api/resources.js';
import { kubectlAvailable } from '../../testing/api-fixture.js';
import { eventually, startTestCluster, type TestCluster } from '../replicaset/test-cluster.js';

const rsResource = findResource('apps', 'v1', 'replicasets')!;
const pods = findResource('', 'v1', 'pods')!;

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 1}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
`;

test('a rollout interrupted by a control-plane restart finishes without duplicates or leaks', { skip: !kubectlAvailable() && 'kubectl not installed', timeout: 120_000 }, async (t) => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'svcnet-restart-')), 'data');
  t.after(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));
  let c: TestCluster = await startTestCluster({ dataDir });
  t.after(() => c.close());
  assert.equal((await c.fixture.kubectl(['apply', '-f', c.fixture.file('web.yaml', manifest)])).code, 0);
  assert.equal((await c.fixture.kubectl('rollout status deploy/web --timeout=30s')).code, 0);

  // New pods will not become ready: the rollout stalls part-way.
  c.kubelet.makeReady = false;
  assert.equal((await c.fixture.kubectl('set image deploy/web web=nginx:1.27')).stdout, 'deployment.apps/web image updated\n');
  await eventually('the rollout under way', async () => {
    const { items } = await c.client.list(rsResource, 'default');
    return items.length === 2 && items.every((rs) => ((rs.spec as { replicas: number }).replicas ?? 0) > 0) && items;
  });
  await c.manager.idle();
  await c.close();

  c = await startTestCluster({ dataDir });
  const status = await c.fixture.kubectl('rollout status deploy/web --timeout=60s');
  assert.equal(status.stdout.trim().split('\n').pop(), 'deployment "web" successfully rolled out', status.stderr);

  const { items: rss } = await c.client.list(rsResource, 'default');
  assert.equal(rss.length, 2, `one old and one new ReplicaSet, got ${rss.map((r) => r.metadata.name).join(', ')}`);
  const fresh = rss.find((rs) => (rs.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image === 'nginx:1.27')!;
  assert.ok(fresh, 'the new ReplicaSet has the new image');
  assert.equal((fresh.spec as { replicas: number }).replicas, 4);
  assert.equal((rss.find((rs) => rs !== fresh)!.spec as { replicas: number }).replicas, 0);
  const hash = fresh.metadata.labels!['pod-template-hash'];
  await eventually('exactly the 4 new pods, old ones gone', async () => {
    const { items } = await c.client.list(pods, 'default');
    return items.length === 4 && items.every((p) => p.metadata.labels!['pod-template-hash'] === hash && !p.metadata.deletionTimestamp);
  });
  const deploy = JSON.parse((await c.fixture.kubectl('get deploy web -o json')).stdout);
  assert.deepEqual([deploy.status.replicas, deploy.status.updatedReplicas, deploy.status.availableReplicas], [4, 4, 4]);
  assert.equal(deploy.metadata.annotations['deployment.kubernetes.io/revision'], '2');
});
