/** Namespace deletion through the real kubectl: the content goes, then the namespace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpTransport } from '../../client/http-transport.js';
import { kubectlAvailable } from '../../testing/api-fixture.js';
import { eventually, startTestCluster } from '../replicaset/test-cluster.js';

const content = `apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team}
data: {a: b}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: team}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;

test('deleting a namespace deletes its content, then the namespace', { skip: !kubectlAvailable() && 'kubectl not installed', timeout: 90_000 }, async (t) => {
  const c = await startTestCluster();
  t.after(() => c.close());
  const k = (args: string | string[]) => c.fixture.kubectl(args);
  assert.equal((await k(['apply', '-f', c.fixture.file('team.yaml', content)])).code, 0);
  assert.equal((await k('-n team rollout status deploy/web --timeout=30s')).code, 0);

  // Whether this API server serves namespaces/{name}/finalize (PUT with the finalizer kept is a no-op).
  const transport = new HttpTransport(c.client.connection);
  t.after(() => transport.close());
  const ns = await c.client.get({ group: '', version: 'v1', resource: 'namespaces', namespaced: false, kind: 'Namespace' }, undefined, 'team');
  const probe = await transport.send({ method: 'PUT', path: '/api/v1/namespaces/team/finalize', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(ns) });
  const finalizeServed = probe.status < 300;

  assert.equal((await k('delete ns team --wait=false')).stdout, 'namespace "team" deleted\n');
  await eventually('the content gone', async () => {
    const r = await k('-n team get deploy,rs,pods,svc,cm,endpoints,endpointslices -o name');
    // kube-root-ca.crt is not made by svcnet, so nothing is expected to remain at all.
    return r.code === 0 && r.stdout.trim() === '' && r;
  });
  await t.test('the namespace disappears once its finalizer is removed', { skip: !finalizeServed && `the API server answers ${probe.status} to PUT namespaces/{name}/finalize, so the kubernetes finalizer cannot be removed` }, async () => {
    await eventually('namespace gone', async () => (await k('get ns team')).stderr.includes('NotFound'));
  });
  if (!finalizeServed) {
    const status = JSON.parse((await k('get ns team -o json')).stdout).status;
    assert.equal(status.phase, 'Terminating');
    const remaining = status.conditions.find((x: { type: string }) => x.type === 'NamespaceContentRemaining');
    assert.deepEqual([remaining.status, remaining.reason], ['False', 'ContentRemoved']);
  }
});
