/**
 * The client against svcnet's own API server (testing/api-fixture.ts), through the admin
 * kubeconfig the server writes: the same path a component takes with `--kubeconfig`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { startApiFixture, type ApiFixture } from '../testing/api-fixture.js';
import { ClientError } from './client-error.js';
import { Informer } from './informer.js';
import { clientFromKubeconfig } from './kubeconfig.js';
import type { ApiClient } from './rest.js';

const configmaps = findResource('', 'v1', 'configmaps')!;
const services = findResource('', 'v1', 'services')!;
const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

let fixture: ApiFixture;
let client: ApiClient;
before(async () => {
  fixture = await startApiFixture();
  client = await clientFromKubeconfig({ path: fixture.server.kubeconfigPath });
});
after(async () => {
  client.close();
  await fixture.close();
});

test('CRUD, every patch type, and Status errors against the real server', async () => {
  const created = await client.create(configmaps, 'default', cm('crud', { a: '1' }));
  await client.patch(configmaps, 'default', 'crud', { data: { b: '2' } }, 'merge');
  await client.patch(configmaps, 'default', 'crud', { data: { c: '3' } }, 'strategic');
  await client.patch(configmaps, 'default', 'crud', [{ op: 'add', path: '/data/d', value: '4' }], 'json');
  await client.patch(configmaps, 'default', 'crud', cm('crud', { e: '5' }), 'apply', { fieldManager: 'client-test', force: true });
  const got = await client.get(configmaps, 'default', 'crud');
  assert.deepEqual(got.data, { a: '1', b: '2', c: '3', d: '4', e: '5' });

  const stale = await client.update(configmaps, 'default', created).catch((e: unknown) => e);
  assert.ok(stale instanceof ClientError && stale.httpCode === 409 && stale.reason === 'Conflict');
  const dup = await client.create(configmaps, 'default', cm('crud')).catch((e: unknown) => e);
  assert.ok(dup instanceof ClientError && dup.reason === 'AlreadyExists');

  await client.delete(configmaps, 'default', 'crud');
  const gone = await client.get(configmaps, 'default', 'crud').catch((e: unknown) => e);
  assert.ok(gone instanceof ClientError && gone.reason === 'NotFound');
  assert.equal(gone.message, 'configmaps "crud" not found');

  const list = await client.list(services, undefined, { limit: 1 });
  assert.ok(list.items.some((s) => s.metadata.name === 'kubernetes' && s.kind === 'Service'));
  assert.match(list.resourceVersion, /^\d+$/);
});

test('an informer follows changes and survives the server ending its watches', async () => {
  const informer = new Informer(client, configmaps, { namespace: 'default', backoff: { initialMs: 20, maxMs: 200 } });
  const events: string[] = [];
  informer.addEventHandler({
    onAdd: (o) => events.push(`add:${o.metadata.name}`),
    onUpdate: (_a, b) => events.push(`update:${b.metadata.name}`),
    onDelete: (o) => events.push(`delete:${o.metadata.name}`),
  });
  after(() => informer.stop());
  await client.create(configmaps, 'default', cm('before'));
  informer.start();
  await informer.waitForSync();
  await client.create(configmaps, 'default', cm('x'));
  fixture.server.endWatches();
  await client.patch(configmaps, 'default', 'x', { data: { k: 'v' } }, 'merge');
  await client.delete(configmaps, 'default', 'before');
  const deadline = Date.now() + 5_000;
  while (events.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(events, ['add:before', 'add:x', 'update:x', 'delete:before']);
  assert.deepEqual(informer.keys(), ['default/x']);
});
