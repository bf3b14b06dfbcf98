import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { findResource } from '../api/resources.js';
import { setLogSink } from '../common/log.js';
import { connectionForUrl } from './connection.js';
import { InformerFactory } from './informer-factory.js';
import { ApiClient } from './rest.js';
import { StandInListWatchServer } from './testing/stand-in-list-watch-server.js';

setLogSink(() => {});

const services = findResource('', 'v1', 'services')!;
const endpoints = findResource('', 'v1', 'endpoints')!;

test('one informer per scope, shared; later informers start with the factory; stop ends all watches', async () => {
  const stand = new StandInListWatchServer(services);
  stand.put({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' } });
  await stand.start();
  const client = new ApiClient(connectionForUrl(stand.url));
  const factory = new InformerFactory(client);
  after(async () => {
    await factory.stop();
    client.close();
    await stand.stop();
  });

  const a = factory.informerFor(services);
  assert.equal(factory.informerFor(services), a);
  assert.notEqual(factory.informerFor(services, 'default'), a);
  assert.notEqual(factory.informerFor(services, undefined, { labelSelector: 'app=web' }), a);
  assert.notEqual(factory.informerFor(endpoints), a);
  assert.equal(a.hasSynced(), false, 'nothing runs before start()');

  factory.start();
  await Promise.all([a.waitForSync(), factory.informerFor(services, 'default').waitForSync()]);
  assert.deepEqual(a.keys(), ['default/web']);
  const late = factory.informerFor(services, 'other');
  await late.waitForSync();
  assert.deepEqual(late.keys(), []);

  await factory.stop();
  await factory.stop();
  // The server notices the closed connections a moment later.
  for (let i = 0; i < 200 && stand.watcherCount > 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(stand.watcherCount, 0);
});
