import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/types.js';
import { logger, setLogSink } from '../common/log.js';
import { ObjectCache, objectKey } from './object-cache.js';

const obj = (name: string, rv: string, namespace: string | null = 'ns'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: namespace ?? undefined, resourceVersion: rv } });

function recordingCache() {
  const cache = new ObjectCache<KubeObject>(logger('test'), 'configmaps');
  const calls: string[] = [];
  cache.addHandler({
    onAdd: (o) => calls.push(`add ${objectKey(o)}@${o.metadata.resourceVersion}`),
    onUpdate: (a, b) => calls.push(`update ${objectKey(b)} ${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
    onDelete: (o) => calls.push(`delete ${objectKey(o)}@${o.metadata.resourceVersion}`),
  });
  return { cache, calls };
}

test('keys are namespace/name, or name for cluster-scoped objects', () => {
  assert.equal(objectKey(obj('a', '1')), 'ns/a');
  assert.equal(objectKey(obj('node-1', '1', null)), 'node-1');
});

test('replaceAll delivers exactly the difference', () => {
  const { cache, calls } = recordingCache();
  cache.replaceAll([obj('keep', '1'), obj('change', '1'), obj('drop', '1')]);
  calls.length = 0;
  cache.replaceAll([obj('keep', '1'), obj('change', '2'), obj('new', '3')]);
  assert.deepEqual(calls, ['delete ns/drop@1', 'update ns/change 1->2', 'add ns/new@3']);
  assert.deepEqual(cache.keys().sort(), ['ns/change', 'ns/keep', 'ns/new']);
});

test('an unchanged version is no update; deleting an unknown object is no delete', () => {
  const { cache, calls } = recordingCache();
  cache.upsert(obj('a', '1'));
  cache.upsert(obj('a', '1'));
  cache.remove(obj('ghost', '9'));
  assert.deepEqual(calls, ['add ns/a@1']);
  cache.resync();
  assert.deepEqual(calls, ['add ns/a@1', 'update ns/a 1->1']);
});

test('a throwing handler is logged and the next handler still runs', () => {
  const lines: string[] = [];
  setLogSink((l) => lines.push(l));
  const cache = new ObjectCache<KubeObject>(logger('test'), 'configmaps');
  const seen: string[] = [];
  cache.addHandler({ onAdd: () => { throw new Error('boom'); } });
  cache.addHandler({ onAdd: (o) => seen.push(o.metadata.name!) });
  cache.upsert(obj('a', '1'));
  assert.deepEqual(seen, ['a']);
  assert.match(lines.join('\n'), /msg="event handler threw" resource=configmaps handler=onAdd err=boom/);
});
