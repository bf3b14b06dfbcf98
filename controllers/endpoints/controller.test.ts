import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNode, podManifest, ri, setPodRunning, startTestCluster, waitFor } from '../endpointslice/cluster-testing.js';
import type { Endpoints } from './reconcile.js';
import { startEndpointsController } from './controller.js';

test('Endpoints: leftovers cleaned at start, selector-less ones left alone, edits by others undone', { timeout: 60_000 }, async (t) => {
  const cluster = await startTestCluster();
  const { client } = cluster;
  const ep = (name: string, annotations: Record<string, string> = {}): Endpoints => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'default', annotations }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ name: '', port: 1, protocol: 'TCP' }] }] });
  // Written while no controller ran: one for a Service since deleted, one leader-election lock.
  await client.create(ri.endpoints, 'default', ep('gone'));
  await client.create(ri.endpoints, 'default', ep('lock', { 'control-plane.alpha.kubernetes.io/leader': '{"holderIdentity":"x"}' }));
  await client.create(ri.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'manual' }, spec: { ports: [{ port: 1 }] } });
  await client.create(ri.endpoints, 'default', ep('manual'));
  await createNode(client, 'node-1', '192.0.2.10');
  await client.create(ri.pods, 'default', podManifest('default', 'web-1', { app: 'web' }, 'node-1'));
  await setPodRunning(client, 'default', 'web-1', '10.244.0.5', true);
  await client.create(ri.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });

  const ctl = startEndpointsController(client);
  t.after(async () => {
    await ctl.stop();
    await cluster.close();
  });
  const names = async () => (await client.list(ri.endpoints, 'default')).items.map((e) => e.metadata.name).sort();
  await waitFor('leftover deleted, web created', async () => JSON.stringify(await names()) === JSON.stringify(['kubernetes', 'lock', 'manual', 'web']));
  const manual = await client.get<Endpoints>(ri.endpoints, 'default', 'manual');
  assert.equal(manual.subsets?.[0].addresses?.[0].ip, '192.0.2.1');

  // Someone overwrites the controller's Endpoints: the controller puts the truth back.
  const web = await client.get<Endpoints>(ri.endpoints, 'default', 'web');
  assert.equal(web.subsets?.[0].addresses?.[0].ip, '10.244.0.5');
  await client.update(ri.endpoints, 'default', { ...web, subsets: [{ addresses: [{ ip: '192.0.2.99' }], ports: [{ name: '', port: 80, protocol: 'TCP' }] }] });
  await waitFor('restored', async () => (await client.get<Endpoints>(ri.endpoints, 'default', 'web')).subsets?.[0].addresses?.[0].ip === '10.244.0.5');
});
