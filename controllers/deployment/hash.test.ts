import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHash, Fnv32a, safeAlphabet, safeEncodeString } from './hash.js';

const fnv = (s: string) => new Fnv32a().write(Buffer.from(s)).sum32();

test('FNV-32a matches the reference vectors', () => {
  assert.equal(fnv(''), 0x811c9dc5);
  assert.equal(fnv('a'), 0xe40c292c);
  assert.equal(fnv('foobar'), 0xbf9cf968);
});

test('SafeEncodeString maps each byte into the vowel-free alphabet', () => {
  assert.equal(safeAlphabet.length, 27);
  // '0'..'9' are bytes 48..57: 48 % 27 = 21 → '4', 54 % 27 = 0 → 'b'.
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
});

test('pod-template-hash: digits of a uint32 in the safe alphabet, stable, and moved by the collision count', () => {
  const template = { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } };
  const h = computeHash(template);
  assert.match(h, /^[456789bcdf]{1,10}$/);
  assert.equal(computeHash(structuredClone(template)), h);
  assert.equal(computeHash({ spec: template.spec, metadata: template.metadata }), h, 'key order does not matter');
  assert.notEqual(computeHash(template, 1), h);
  assert.notEqual(computeHash({ ...template, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } }), h);
});
