/**
 * Walkthrough §2 (and the endpoint parts of §5/§6) on a real API server with the real kubectl:
 * pods made Ready by hand (playing the kubelet), the nginx Service, and what describe/get show.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify as stringifyYaml } from 'yaml';
import { kubectlAvailable, tableRows } from '../../testing/api-fixture.js';
import { startEndpointsController } from '../endpoints/controller.js';
import { EventRecorder } from '../events/recorder.js';
import { startMirroringController } from '../mirroring/controller.js';
import { createNode, podManifest, ri, startTestCluster, waitFor } from './cluster-testing.js';
import { startEndpointSliceController } from './controller.js';
import type { EndpointSlice } from './slice.js';
import { defaultFixturesDir } from '../../demo/paths.js';

const fixtures = defaultFixturesDir();
const skip = kubectlAvailable() ? false : 'kubectl is not installed';

test('walkthrough §2: Service endpoints through kubectl', { skip, timeout: 120_000 }, async (t) => {
  const cluster = await startTestCluster();
  const { client, fx } = cluster;
  const recorder = new EventRecorder(client, { component: 'endpointslice-controller', host: 'test' });
  const controllers = [startEndpointSliceController(client, { recorder }), startEndpointsController(client, { recorder }), startMirroringController(client, { recorder })];
  t.after(async () => {
    await Promise.all(controllers.map((c) => c.stop()));
    await cluster.close();
  });
  const k = async (args: string, input?: string) => {
    const r = await fx.kubectl(args, { input });
    assert.equal(r.code, 0, `kubectl ${args}: ${r.stderr}`);
    return r.stdout;
  };

  await createNode(client, 'node-1', '192.0.2.10');
  const pods = Array.from({ length: 5 }, (_, i) => podManifest('default', `nginx-7d4b9c-${'abcde'[i]}x${i}`, { app: 'nginx' }, 'node-1'));
  assert.match(await k('apply -f -', pods.map((p) => stringifyYaml(p)).join('---\n')), /pod\/nginx-7d4b9c-ax0 created/);
  // Playing the kubelet: the pods run and turn Ready.
  for (const [i, p] of pods.entries()) {
    const status = { status: { phase: 'Running', podIP: `10.244.0.${i + 11}`, podIPs: [{ ip: `10.244.0.${i + 11}` }], conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] } };
    const r = await fx.kubectl(['patch', 'pod', p.metadata.name!, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.match(await k(`apply -f ${fixtures}/nginx-service.yaml`), /service\/nginx created/);

  const describe = await waitFor('describe svc nginx to list 5 endpoints', async () => {
    const out = await k('describe service nginx');
    return /\+ 2 more\.\.\./.test(out) ? out : undefined;
  });
  assert.match(describe, /Selector:\s+app=nginx/);
  if (process.env.SHOW_KUBECTL) console.log(describe, await k('get endpoints'), await k('get endpointslices'));
  const line = describe.split('\n').find((l) => l.startsWith('Endpoints:'))!;
  assert.match(line, /^Endpoints:\s+10\.244\.0\.\d+:80,10\.244\.0\.\d+:80,10\.244\.0\.\d+:80 \+ 2 more\.\.\.$/);

  const ep = await waitFor('endpoints nginx', async () => {
    const out = await k('get endpoints nginx');
    return /\+ 2 more/.test(out) ? out : undefined;
  });
  const epRow = tableRows(ep);
  assert.deepEqual(epRow[0], ['NAME', 'ENDPOINTS', 'AGE']);
  assert.equal(epRow[1][0], 'nginx');
  assert.match(epRow[1][1], /^10\.244\.0\.11:80,10\.244\.0\.12:80,10\.244\.0\.13:80 \+ 2 more\.\.\.$/);

  const slices = tableRows(await k('get endpointslices'));
  assert.deepEqual(slices[0], ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
  const nginxRow = slices.find((r) => r[0].startsWith('nginx-'))!;
  assert.equal(nginxRow[1], 'IPv4');
  assert.equal(nginxRow[2], '80');
  assert.match(nginxRow[3], /\+ 2 more\.\.\.$/);
  // The API server's own kubernetes slice is not mirrored a second time.
  assert.equal(slices.filter((r) => r[0].startsWith('kubernetes')).length, 1);
  const sliceYaml = JSON.parse(await k('get endpointslices -l kubernetes.io/service-name=nginx -o json')) as { items: EndpointSlice[] };
  assert.equal(sliceYaml.items.length, 1);
  const slice = sliceYaml.items[0];
  assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  assert.ok(slice.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']);
  assert.equal(slice.metadata.ownerReferences?.[0].kind, 'Service');
  assert.match(await k(`describe endpointslice ${slice.metadata.name}`), /Ready:\s+true/);

  // One pod stops being Ready: it leaves the ready endpoints but stays listed as not ready.
  const sick = pods[0].metadata.name!;
  const r = await fx.kubectl(['patch', 'pod', sick, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2026-01-01T00:01:00Z' }] } })]);
  assert.equal(r.code, 0, r.stderr);
  const endpoints = await waitFor('pod in notReadyAddresses', async () => {
    const e = await client.get(ri.endpoints, 'default', 'nginx');
    const subsets = e.subsets as { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string; targetRef?: { name: string } }[] }[];
    return subsets?.[0]?.notReadyAddresses?.length ? subsets : undefined;
  });
  assert.deepEqual(endpoints[0].notReadyAddresses!.map((a) => a.targetRef?.name), [sick]);
  assert.equal(endpoints[0].addresses!.length, 4);
  const notReady = await waitFor('slice endpoint ready=false', async () => {
    const s = (await client.list<EndpointSlice>(ri.endpointSlices, 'default', { labelSelector: 'kubernetes.io/service-name=nginx' })).items[0];
    return s.endpoints.find((e) => e.targetRef?.name === sick && e.conditions.ready === false);
  });
  assert.deepEqual(notReady.conditions, { ready: false, serving: false, terminating: false });
  assert.match(await waitFor('describe shows 4', async () => {
    const out = await k('describe service nginx');
    return /\+ 1 more\.\.\./.test(out) ? out : undefined;
  }), /Endpoints:.*\+ 1 more\.\.\./);

  // A Service without a selector with hand-written Endpoints gets a mirrored slice.
  await k('apply -f -', JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'external-db' }, spec: { ports: [{ name: 'pg', port: 5432 }] } }));
  await k('apply -f -', JSON.stringify({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'external-db' }, subsets: [{ addresses: [{ ip: '192.0.2.50' }], ports: [{ name: 'pg', port: 5432 }] }] }));
  const mirrored = await waitFor('mirrored slice', async () => {
    const list = await client.list<EndpointSlice>(ri.endpointSlices, 'default', { labelSelector: 'kubernetes.io/service-name=external-db' });
    return list.items[0];
  });
  assert.equal(mirrored.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
  assert.deepEqual(mirrored.endpoints.map((e) => e.addresses[0]), ['192.0.2.50']);
  assert.match(await k('describe service external-db'), /Endpoints:\s+192\.0\.2\.50:5432/);

  // Settled: nothing keeps rewriting (equal objects are recognised as equal after the round trip).
  await Promise.all(controllers.map((c) => c.idle()));
  const before = (await client.list(ri.endpoints, 'default')).resourceVersion;
  const versions = async () => JSON.stringify([(await client.list(ri.endpoints, 'default')).items.map((e) => e.metadata.resourceVersion), (await client.list(ri.endpointSlices, 'default')).items.map((e) => e.metadata.resourceVersion)]);
  const v1 = await versions();
  await new Promise((res) => setTimeout(res, 500));
  await Promise.all(controllers.map((c) => c.idle()));
  assert.equal(await versions(), v1);
  assert.ok(before);

  // Someone edits the controller's slice by hand: the controller puts the truth back.
  const current = (await client.list<EndpointSlice>(ri.endpointSlices, 'default', { labelSelector: 'kubernetes.io/service-name=nginx' })).items[0];
  await client.update(ri.endpointSlices, 'default', { ...current, endpoints: current.endpoints.slice(0, 1) });
  await waitFor('slice restored', async () => {
    const s = (await client.list<EndpointSlice>(ri.endpointSlices, 'default', { labelSelector: 'kubernetes.io/service-name=nginx' })).items;
    return s.length === 1 && s[0].endpoints.length === 5;
  });

  // Deleting the Service removes what the controllers made for it.
  await k('delete service nginx');
  await waitFor('nginx slices and endpoints gone', async () => {
    const s = await client.list(ri.endpointSlices, 'default', { labelSelector: 'kubernetes.io/service-name=nginx' });
    const e = await client.list(ri.endpoints, 'default', { fieldSelector: 'metadata.name=nginx' });
    return s.items.length === 0 && e.items.length === 0;
  });
  await recorder.flush();
});
