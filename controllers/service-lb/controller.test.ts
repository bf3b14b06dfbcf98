/** Walkthrough §6 on a real API server with kubectl: EXTERNAL-IP is an address, not <pending>. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlAvailable, tableRows } from '../../testing/api-fixture.js';
import { createNode, ri, setNodeStatus, startTestCluster, waitFor } from '../endpointslice/cluster-testing.js';
import { EventRecorder } from '../events/recorder.js';
import { startServiceLbController } from './controller.js';
import { defaultFixturesDir } from '../../demo/paths.js';

const fixtures = defaultFixturesDir();
const skip = kubectlAvailable() ? false : 'kubectl is not installed';

async function externalIP(fx: { kubectl(a: string): Promise<{ stdout: string }> }, name: string): Promise<string> {
  const rows = tableRows((await fx.kubectl(`get svc ${name}`)).stdout);
  assert.deepEqual(rows[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
  return rows[1][3];
}

test('without a pool: the Ready nodes answer; addresses follow the nodes', { skip, timeout: 60_000 }, async (t) => {
  const cluster = await startTestCluster();
  const { client, fx } = cluster;
  const recorder = new EventRecorder(client, { component: 'service-controller', host: 'test' });
  const ctl = startServiceLbController(client, { recorder });
  t.after(async () => {
    await ctl.stop();
    await cluster.close();
  });
  await createNode(client, 'node-1', '192.0.2.10');
  assert.equal((await fx.kubectl(`apply -f ${fixtures}/influxdb-loadbalancer.yaml`)).code, 0);
  await waitFor('EXTERNAL-IP', async () => (await externalIP(fx, 'influxdb')) === '192.0.2.10');
  const rows = tableRows((await fx.kubectl('get svc influxdb')).stdout);
  assert.equal(rows[1][1], 'LoadBalancer');
  assert.match(rows[1][4], /^8086:3\d{4}\/TCP$/);
  const svc = await client.get(ri.services, 'default', 'influxdb');
  assert.deepEqual((svc.status as any).loadBalancer.ingress, [{ ip: '192.0.2.10', ipMode: 'VIP' }]);
  await createNode(client, 'node-2', '192.0.2.11');
  await waitFor('second node', async () => (await externalIP(fx, 'influxdb')) === '192.0.2.10,192.0.2.11');
  assert.match((await fx.kubectl('describe svc influxdb')).stdout, /LoadBalancer Ingress:\s+192\.0\.2\.10 \(VIP\), 192\.0\.2\.11 \(VIP\)/);
  await setNodeStatus(client, 'node-1', '192.0.2.10', false);
  await waitFor('not-ready node dropped', async () => (await externalIP(fx, 'influxdb')) === '192.0.2.11');
  await recorder.flush();
  const events = await fx.kubectl('get events --field-selector involvedObject.name=influxdb');
  assert.match(events.stdout, /EnsuringLoadBalancer/);
  assert.match(events.stdout, /EnsuredLoadBalancer/);
});

test('with a pool: one address per Service, released when it stops being LoadBalancer', { skip, timeout: 60_000 }, async (t) => {
  const cluster = await startTestCluster();
  const { client, fx } = cluster;
  const ctl = startServiceLbController(client, { lbPool: ['192.168.50.240-192.168.50.241'] });
  t.after(async () => {
    await ctl.stop();
    await cluster.close();
  });
  assert.equal((await fx.kubectl(`apply -f ${fixtures}/kubia-loadbalancer.yaml`)).code, 0);
  await waitFor('kubia IP', async () => (await externalIP(fx, 'kubia-loadbalancer')) === '192.168.50.240');
  assert.equal((await fx.kubectl(`apply -f ${fixtures}/influxdb-loadbalancer.yaml`)).code, 0);
  await waitFor('influxdb IP', async () => (await externalIP(fx, 'influxdb')) === '192.168.50.241');
  const third = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'third' }, spec: { type: 'LoadBalancer', selector: { a: 'b' }, ports: [{ port: 80 }] } };
  assert.equal((await fx.kubectl('apply -f -', { input: JSON.stringify(third) })).code, 0);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await externalIP(fx, 'third'), '<pending>');
  // kubia stops being a LoadBalancer: its address goes to the waiting Service.
  const patched = await fx.kubectl(['patch', 'svc', 'kubia-loadbalancer', '--type=merge', '-p', '{"spec":{"type":"ClusterIP"}}']);
  assert.equal(patched.code, 0, patched.stderr);
  await waitFor('address moved', async () => (await externalIP(fx, 'third')) === '192.168.50.240');
  assert.equal(await externalIP(fx, 'kubia-loadbalancer'), '<none>');
  const kubia = await client.get(ri.services, 'default', 'kubia-loadbalancer');
  assert.deepEqual((kubia.status as any).loadBalancer, {});
});
