/** KeyInterner: the reply-cache key of a request, made once per distinct question. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyInterner } from './key-interner.js';
import { query } from './testing/raw-client.js';
import { replyCacheKey, replyCacheKeyEnd } from './wire-read.js';

const intern = (k: KeyInterner, req: Buffer) => k.intern(req, replyCacheKeyEnd(req));

test('the interned key equals replyCacheKey and is made once per question', () => {
  const k = new KeyInterner(100);
  const a = query('a.b', 1, { id: 1 });
  const again = query('a.b', 1, { id: 2 });
  assert.equal(intern(k, a), replyCacheKey(a));
  assert.equal(intern(k, again), replyCacheKey(again), 'the ID is not part of the key');
  assert.equal(k.size, 1);
});

test('questions differing in a byte get different keys', () => {
  const k = new KeyInterner(100);
  const reqs = [query('a.b', 1), query('A.b', 1), query('a.b', 28), query('a.b', 1, { edns: 1232 }), query('a.c', 1), query('ab', 1)];
  const keys = reqs.map((r) => intern(k, r));
  assert.equal(new Set(keys).size, reqs.length);
  reqs.forEach((r, i) => assert.equal(keys[i], replyCacheKey(r)));
  assert.equal(k.size, reqs.length);
});

test('many keys (hash collisions included) each map back to their own question', () => {
  const k = new KeyInterner(100_000);
  const reqs = Array.from({ length: 50_000 }, (_, i) => query(`svc-${i}.ns-${i % 100}.svc.cluster.local`, 1));
  for (const r of reqs) intern(k, r);
  for (const r of reqs) assert.equal(intern(k, r), replyCacheKey(r));
  assert.equal(k.size, reqs.length);
});

test('past its bound the table starts over', () => {
  const k = new KeyInterner(2);
  intern(k, query('a', 1));
  intern(k, query('b', 1));
  assert.equal(intern(k, query('c', 1)), replyCacheKey(query('c', 1)));
  assert.equal(k.size, 1);
});
