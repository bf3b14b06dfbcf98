import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHash, Fnv32a, safeAlphabet, safeEncodeString } from './hash.js';
import { formatQuantity, spewPodTemplateSpec } from './spew.js';
import { richTemplate, walkthroughTemplate, walkthroughTemplateSpew } from './testdata/templates.js';

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

test('the walkthrough nginx template hashes as on a Kubernetes 1.32 cluster: nginx-5869d7778c', () => {
  // kubectl create deployment nginx --image=nginx (the same defaulted template as nginx-deploy.yaml)
  // gives ReplicaSet nginx-5869d7778c on 1.32 clusters (kind v0.27 and others, widely published).
  assert.equal(computeHash(walkthroughTemplate), '5869d7778c');
  // The print itself, byte for byte as go-spew printed it for the real v1.32 Go types.
  assert.equal(spewPodTemplateSpec(walkthroughTemplate), walkthroughTemplateSpew);
});

test('a template using most PodSpec features, with a collision count, matches go-spew over the real types', () => {
  // Expected value computed by upstream's DeepHashObject + ComputeHash on the v1.32 Go types.
  assert.equal(computeHash(richTemplate, 7), '5578d767dc');
});

test('quantities print as ParseQuantity leaves them (int64 fast path)', () => {
  assert.equal(formatQuantity('500m'), '{i:(resource.int64Amount){value:(int64)500 scale:(resource.Scale)-3} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:(string)500m Format:(resource.Format)DecimalSI}');
  // Not canonical (trailing zeros), so the string is not cached.
  assert.equal(formatQuantity('1000m'), '{i:(resource.int64Amount){value:(int64)1000 scale:(resource.Scale)-3} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:(string) Format:(resource.Format)DecimalSI}');
  // Binary: the string is kept only when the number is not a multiple of 8 (100 yes, 128 no).
  assert.equal(formatQuantity('100Mi'), '{i:(resource.int64Amount){value:(int64)104857600 scale:(resource.Scale)0} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:(string)100Mi Format:(resource.Format)BinarySI}');
  assert.equal(formatQuantity('128Mi'), '{i:(resource.int64Amount){value:(int64)134217728 scale:(resource.Scale)0} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:(string) Format:(resource.Format)BinarySI}');
  assert.equal(formatQuantity('0'), '{i:(resource.int64Amount){value:(int64)0 scale:(resource.Scale)0} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:(string)0 Format:(resource.Format)DecimalSI}');
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
