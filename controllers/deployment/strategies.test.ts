/** Recreate, pause/resume and the progress deadline, through the real kubectl. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../../api/resources.js';
import { kubectlAvailable } from '../../testing/api-fixture.js';
import { eventually, startTestCluster } from '../replicaset/test-cluster.js';

const pods = findResource('', 'v1', 'pods')!;

function manifest(name: string, extra: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 3
  selector: {matchLabels: {app: ${name}}}
${extra}  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: web, image: nginx}]
`;
}

test('Deployment strategies with the real kubectl', { skip: !kubectlAvailable() && 'kubectl not installed', timeout: 150_000 }, async (t) => {
  const c = await startTestCluster();
  t.after(() => c.close());
  const k = (args: string | string[]) => c.fixture.kubectl(args);
  const apply = async (name: string, extra: string) => assert.equal((await k(['apply', '-f', c.fixture.file(`${name}.yaml`, manifest(name, extra))])).code, 0);

  await t.test('Recreate: no new pod exists while an old one does', async () => {
    await apply('rec', '  strategy: {type: Recreate}\n');
    assert.equal((await k('rollout status deploy/rec --timeout=30s')).code, 0);
    const first = (await c.client.list(pods, 'default', { labelSelector: 'app=rec' })).items[0].metadata.labels!['pod-template-hash'];
    let mixed = false;
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const hashes = new Set((await c.client.list(pods, 'default', { labelSelector: 'app=rec' })).items.map((p) => p.metadata.labels!['pod-template-hash']));
        if (hashes.size > 1) mixed = true;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    assert.equal((await k('set image deploy/rec web=nginx:1.27')).code, 0);
    const r = await k('rollout status deploy/rec --timeout=30s');
    done = true;
    await sampler;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(mixed, false, 'old and new pods never run side by side');
    const now = (await c.client.list(pods, 'default', { labelSelector: 'app=rec' })).items;
    assert.equal(now.length, 3);
    assert.ok(now.every((p) => p.metadata.labels!['pod-template-hash'] !== first));
  });

  await t.test('pause holds a template change back; resume rolls it out', async () => {
    await apply('pz', '');
    assert.equal((await k('rollout status deploy/pz --timeout=30s')).code, 0);
    assert.equal((await k('rollout pause deploy/pz')).stdout, 'deployment.apps/pz paused\n');
    assert.equal((await k('set image deploy/pz web=nginx:1.27')).code, 0);
    await eventually('the paused condition', async () => /Progressing\s+Unknown\s+DeploymentPaused/.test((await k('describe deploy pz')).stdout));
    assert.equal(JSON.parse((await k('get rs -l app=pz -o json')).stdout).items.length, 1, 'no new ReplicaSet while paused');
    assert.equal((await k('rollout resume deploy/pz')).stdout, 'deployment.apps/pz resumed\n');
    assert.equal((await k('rollout status deploy/pz --timeout=30s')).code, 0);
    assert.equal(JSON.parse((await k('get rs -l app=pz -o json')).stdout).items.length, 2);
  });

  await t.test('a rollout that makes no progress exceeds its deadline', async () => {
    c.kubelet.makeReady = false;
    await apply('stuck', '  progressDeadlineSeconds: 2\n');
    const r = await k('rollout status deploy/stuck --timeout=30s');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: deployment "stuck" exceeded its progress deadline\n');
    assert.match((await k('describe deploy stuck')).stdout, /Progressing\s+False\s+ProgressDeadlineExceeded/);
    c.kubelet.makeReady = true;
  });
});
