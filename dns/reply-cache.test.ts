/** ReplyCache: replies filed under a scope outlive changes elsewhere; nothing outlives its own. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyCache } from './reply-cache.js';

function filled(): ReplyCache<string> {
  const c = new ReplyCache<string>(100);
  c.set('a1', 'A of ns/a', 'ns/a');
  c.set('a2', 'SRV of ns/a', 'ns/a');
  c.set('b1', 'A of ns/b', 'ns/b');
  c.set('nx', 'NXDOMAIN', undefined);
  c.set('ptr', 'PTR', undefined);
  return c;
}

test('a change to one Service drops its replies and the shared ones, keeps the others', () => {
  const c = filled();
  c.invalidate(['ns/a']);
  assert.equal(c.get('a1'), undefined);
  assert.equal(c.get('a2'), undefined);
  assert.equal(c.get('nx'), undefined, 'shared replies go on any change');
  assert.equal(c.get('ptr'), undefined);
  assert.equal(c.get('b1'), 'A of ns/b');
  assert.equal(c.size, 1);
});

test('a slice moving between Services drops both', () => {
  const c = filled();
  c.invalidate(['ns/a', 'ns/b']);
  assert.equal(c.size, 0);
});

test('a change not about particular Services drops everything', () => {
  const c = filled();
  c.invalidate(undefined);
  assert.equal(c.size, 0);
});

test('a reply cached again after a drop is dropped again by the next change', () => {
  const c = filled();
  c.invalidate(['ns/a']);
  c.set('a1', 'A of ns/a, new', 'ns/a');
  c.set('nx', 'NXDOMAIN, new serial', undefined);
  c.invalidate(['ns/b']);
  assert.equal(c.get('a1'), 'A of ns/a, new');
  assert.equal(c.get('nx'), undefined);
  c.invalidate(['ns/a']);
  assert.equal(c.get('a1'), undefined);
});

test('past its bound the cache starts over', () => {
  const c = new ReplyCache<number>(3);
  for (let i = 0; i < 3; i++) c.set(`k${i}`, i, 'ns/a');
  c.set('k3', 3, undefined);
  assert.equal(c.size, 1);
  assert.equal(c.get('k3'), 3);
  c.invalidate(['ns/a']);
  assert.equal(c.size, 0, 'listings from before the restart are gone with it');
});
