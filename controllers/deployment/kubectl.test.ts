/**
 * The Deployment, ReplicaSet and scheduler controllers against the real API server, driven with
 * the real kubectl: walkthrough §1 (control-plane part), scale, rollout restart/history/undo,
 * pod replacement and cascading deletion.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { kubectlAvailable, tableRows } from '../../testing/api-fixture.js';
import { eventually, startTestCluster, type TestCluster } from '../replicaset/test-cluster.js';
import { defaultFixturesDir } from '../../demo/paths.js';

const pods = findResource('', 'v1', 'pods')!;
const safe = '[bcdfghjklmnpqrstvwxz2456789]';
const walkthroughDeploy = `${defaultFixturesDir()}/nginx-deploy.yaml`;

async function json<T = KubeObject & { items: KubeObject[] }>(c: TestCluster, args: string): Promise<T> {
  const r = await c.fixture.kubectl(`${args} -o json`);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

async function activePods(c: TestCluster, selector: string): Promise<KubeObject[]> {
  const { items } = await c.client.list(pods, 'default', { labelSelector: selector });
  return items.filter((p) => !p.metadata.deletionTimestamp);
}

test('walkthrough §1 and the life of a Deployment with the real kubectl', { skip: !kubectlAvailable() && 'kubectl not installed', timeout: 180_000 }, async (t) => {
  const c = await startTestCluster({ kubelet: false });
  t.after(() => c.close());
  const k = (args: string | string[]) => c.fixture.kubectl(args);

  await t.test('apply nginx-deploy.yaml: five pods named nginx-<hash>-<suffix>, bound to the node', async () => {
    const manifest = c.fixture.file('nginx-deploy.yaml', readFileSync(walkthroughDeploy, 'utf8'));
    const r = await k(['apply', '-f', manifest]);
    assert.equal(r.stdout, 'deployment.apps/nginx created\n');
    const rows = await eventually('five bound pods', async () => {
      const out = tableRows((await k('get pods -o wide')).stdout).slice(1);
      return out.length === 5 && out.every((row) => row[6] === 'node1') && out;
    });
    const rs = (await json(c, 'get rs')).items;
    assert.equal(rs.length, 1);
    const hash = rs[0].metadata.labels!['pod-template-hash'];
    assert.match(rs[0].metadata.name!, new RegExp(`^nginx-${safe}{1,10}$`));
    assert.equal(rs[0].metadata.name, `nginx-${hash}`);
    // The name a Kubernetes 1.32 cluster gives this manifest's ReplicaSet.
    assert.equal(rs[0].metadata.name, 'nginx-5869d7778c');
    for (const row of rows) {
      assert.match(row[0], new RegExp(`^nginx-${hash}-${safe}{5}$`));
      assert.deepEqual(row.slice(1, 3), ['0/1', 'Pending']);
    }
  });

  await t.test('the pods marked Running and Ready (as a kubelet would) make the Deployment 5/5 and rolled out', async () => {
    const names = (await k('get pods -o name')).stdout.trim().split('\n');
    const status = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }, { type: 'ContainersReady', status: 'True' }], containerStatuses: [{ name: 'nginx', image: 'nginx', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }] } };
    for (const name of names) {
      const r = await k(['patch', name, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
      assert.equal(r.code, 0, r.stderr);
    }
    await eventually('READY 5/5', async () => tableRows((await k('get deploy nginx')).stdout)[1]?.slice(1, 4).join(' ') === '5/5 5 5');
    const rollout = await k('rollout status deploy/nginx --timeout=20s');
    assert.equal(rollout.stdout, 'deployment "nginx" successfully rolled out\n');
    const rs = tableRows((await k('get rs')).stdout)[1];
    assert.deepEqual(rs.slice(1, 4), ['5', '5', '5']);
    const describe = (await k('describe deploy nginx')).stdout;
    assert.match(describe, /Replicas:\s+5 desired \| 5 updated \| 5 total \| 5 available \| 0 unavailable/);
    assert.match(describe, /Available\s+True\s+MinimumReplicasAvailable/);
    assert.match(describe, /Progressing\s+True\s+NewReplicaSetAvailable/);
    assert.match(describe, new RegExp(`Normal\\s+ScalingReplicaSet\\s+.*deployment-controller\\s+Scaled up replica set nginx-${safe}+ from 0 to 5`));
    const rsDescribe = (await k('describe rs')).stdout;
    assert.match(rsDescribe, /Normal\s+SuccessfulCreate\s+.*replicaset-controller\s+Created pod: nginx-/);
    const podDescribe = (await k(['describe', names[0]])).stdout;
    assert.match(podDescribe, /Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/nginx-\S+ to node1/);
  });

  c.kubelet.start();

  await t.test('kubectl scale', async () => {
    assert.equal((await k('scale deploy/nginx --replicas=3')).stdout, 'deployment.apps/nginx scaled\n');
    await eventually('3 pods', async () => (await activePods(c, 'app=nginx')).length === 3 && (await c.client.list(pods, 'default')).items.length === 3);
    await eventually('READY 3/3', async () => tableRows((await k('get deploy nginx')).stdout)[1]?.[1] === '3/3');
  });

  await t.test('rollout restart: a new ReplicaSet, the old one scaled to 0, within maxSurge and maxUnavailable', async () => {
    const before = (await json(c, 'get rs')).items.map((r) => r.metadata.name);
    let worst = { total: 0, ready: Infinity };
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const active = await activePods(c, 'app=nginx');
        const ready = active.filter((p) => (p.status as { conditions?: { type: string; status: string }[] })?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length;
        worst = { total: Math.max(worst.total, active.length), ready: Math.min(worst.ready, ready) };
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    assert.equal((await k('rollout restart deploy/nginx')).stdout, 'deployment.apps/nginx restarted\n');
    const status = await k('rollout status deploy/nginx --timeout=60s');
    done = true;
    await sampler;
    assert.equal(status.code, 0, status.stderr);
    // 3 replicas, 25%/25%: surge ceil(0.75) = 1, unavailable floor(0.75) = 0.
    assert.ok(worst.total <= 4, `at most 4 pods at once, saw ${worst.total}`);
    assert.ok(worst.ready >= 3, `never fewer than 3 ready, saw ${worst.ready}`);
    const rss = (await json(c, 'get rs')).items;
    assert.equal(rss.length, 2);
    const fresh = rss.find((r) => !before.includes(r.metadata.name))!;
    assert.equal((fresh.spec as { replicas: number }).replicas, 3);
    assert.equal(fresh.metadata.annotations!['deployment.kubernetes.io/revision'], '2');
    assert.equal((rss.find((r) => r !== fresh)!.spec as { replicas: number }).replicas, 0);
    const events = (await k('describe deploy nginx')).stdout;
    assert.match(events, new RegExp(`Scaled up replica set ${fresh.metadata.name} from 0 to 1`));
    assert.match(events, /Scaled down replica set nginx-\S+ from 3 to 2/);
  });

  await t.test('rollout history and undo', async () => {
    const history = tableRows((await k('rollout history deploy/nginx')).stdout);
    assert.deepEqual(history.slice(1), [['REVISION', 'CHANGE-CAUSE'], ['1', '<none>'], ['2', '<none>']]);
    const first = (await json(c, 'get rs')).items.find((r) => r.metadata.annotations!['deployment.kubernetes.io/revision'] === '1')!;
    assert.equal((await k('rollout undo deploy/nginx')).stdout, 'deployment.apps/nginx rolled back\n');
    assert.equal((await k('rollout status deploy/nginx --timeout=60s')).code, 0);
    const rss = (await json(c, 'get rs')).items;
    assert.equal(rss.length, 2, 'undo reuses the revision-1 ReplicaSet');
    const back = rss.find((r) => r.metadata.name === first.metadata.name)!;
    assert.equal((back.spec as { replicas: number }).replicas, 3);
    assert.equal(back.metadata.annotations!['deployment.kubernetes.io/revision'], '3');
    assert.equal(back.metadata.annotations!['deployment.kubernetes.io/revision-history'], '1');
    assert.deepEqual(tableRows((await k('rollout history deploy/nginx')).stdout).slice(2).map((r) => r[0]), ['2', '3']);
    const hash = back.metadata.labels!['pod-template-hash'];
    await eventually('only revision-1 pods', async () => {
      const active = await activePods(c, 'app=nginx');
      return active.length === 3 && active.every((p) => p.metadata.labels!['pod-template-hash'] === hash);
    });
  });

  await t.test('a deleted pod is replaced', async () => {
    const victim = (await activePods(c, 'app=nginx'))[0].metadata.name!;
    assert.match((await k(['delete', 'pod', victim])).stdout, new RegExp(`pod "${victim}" deleted`));
    await eventually('a replacement', async () => {
      const active = await activePods(c, 'app=nginx');
      return active.length === 3 && !active.some((p) => p.metadata.name === victim);
    });
  });

  await t.test('deleting the Deployment removes its ReplicaSets and pods (background)', async () => {
    assert.equal((await k('delete deploy nginx')).stdout, 'deployment.apps "nginx" deleted\n');
    await eventually('no ReplicaSets or pods', async () => (await json(c, 'get rs,pods')).items.length === 0);
  });
});
