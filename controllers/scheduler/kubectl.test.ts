/** The scheduler through the real kubectl: a cordoned only node leaves a pod Pending, uncordon binds it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlAvailable } from '../../testing/api-fixture.js';
import { eventually, startTestCluster } from '../replicaset/test-cluster.js';

const podYaml = `apiVersion: v1
kind: Pod
metadata: {name: waiting}
spec:
  containers: [{name: c, image: busybox, command: [sleep, '3600']}]
`;

test('FailedScheduling on a cordoned node, then scheduled after uncordon', { skip: !kubectlAvailable() && 'kubectl not installed', timeout: 90_000 }, async (t) => {
  const c = await startTestCluster({ kubelet: false });
  t.after(() => c.close());
  const k = (args: string | string[]) => c.fixture.kubectl(args);
  assert.equal((await k('cordon node1')).stdout, 'node/node1 cordoned\n');
  assert.equal((await k(['apply', '-f', c.fixture.file('pod.yaml', podYaml)])).stdout, 'pod/waiting created\n');
  const message = '0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
  const describe = await eventually('FailedScheduling in describe', async () => {
    const out = (await k('describe pod waiting')).stdout;
    return out.includes('FailedScheduling') && /PodScheduled\s+False/.test(out) && out;
  });
  assert.match(describe, /Status:\s+Pending/);
  assert.match(describe, /Node:\s+<none>/);
  assert.ok(describe.includes(`Warning  FailedScheduling`), describe);
  assert.ok(describe.includes(`default-scheduler  ${message}`), describe);
  const pod = JSON.parse((await k('get pod waiting -o json')).stdout);
  assert.deepEqual(pod.status.conditions.map((x: { type: string; status: string; reason: string; message: string }) => [x.type, x.status, x.reason, x.message]), [['PodScheduled', 'False', 'Unschedulable', message]]);

  assert.equal((await k('uncordon node1')).stdout, 'node/node1 uncordoned\n');
  await eventually('bound to node1', async () => JSON.parse((await k('get pod waiting -o json')).stdout).spec.nodeName === 'node1');
  const after = (await k('describe pod waiting')).stdout;
  assert.match(after, /Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/waiting to node1/);
  assert.match(after, /PodScheduled\s+True/);
  // Binding is all the scheduler does: Running is the node agent's word.
  assert.match(after, /Status:\s+Pending/);
});
