import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { isOlder, OwnedCache } from './owned-cache.js';

const slice = (name: string, owner: string, rv: string): KubeObject => ({ apiVersion: 'v1', kind: 'X', metadata: { name, namespace: 'ns', resourceVersion: rv, labels: { owner } } });
const cache = () => new OwnedCache<KubeObject>((o) => (o.metadata.labels?.owner ? `ns/${o.metadata.labels.owner}` : undefined));

test('resourceVersions compare as numbers', () => {
  assert.ok(isOlder('9', '10'));
  assert.ok(!isOlder('10', '9'));
  assert.ok(!isOlder('10', '10'));
  assert.ok(!isOlder('abc', '10'));
});

test('our writes show at once; their watch echoes are not news; newer versions from others are', () => {
  const c = cache();
  c.recordWrite(slice('a', 'web', '10'));
  assert.deepEqual(c.list('ns/web').map((o) => o.metadata.resourceVersion), ['10']);
  assert.equal(c.observe(slice('a', 'web', '9')), false, 'a stale event does not roll back our write');
  assert.equal(c.observe(slice('a', 'web', '10')), false, 'the echo of our write');
  assert.equal(c.observe(slice('a', 'web', '12')), true, 'someone else changed it');
  assert.equal(c.list('ns/web')[0].metadata.resourceVersion, '12');
});

test('deletes: ours are not news and stale adds do not resurrect; others are news', () => {
  const c = cache();
  c.observe(slice('a', 'web', '5'));
  c.recordDelete(slice('a', 'web', '5'));
  assert.deepEqual(c.list('ns/web'), []);
  assert.deepEqual(c.ownerKeys(), []);
  assert.equal(c.observe(slice('a', 'web', '5')), false);
  assert.deepEqual(c.list('ns/web'), []);
  assert.equal(c.observeDelete(slice('a', 'web', '5')), false);
  c.observe(slice('b', 'web', '7'));
  assert.equal(c.observeDelete(slice('b', 'web', '7')), true);
});

test('an owner label change moves the object to its new group', () => {
  const c = cache();
  c.observe(slice('a', 'web', '5'));
  c.observe(slice('a', 'api', '6'));
  assert.deepEqual(c.list('ns/web'), []);
  assert.equal(c.list('ns/api').length, 1);
});
