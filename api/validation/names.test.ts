import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDNS1035Label, isDNS1123Label, isQualifiedName, isValidLabelValue, isValidPortName, nameIsDNSSubdomain, regexError } from './names.js';
import { parseIPSloppy, validateNonSpecialIP } from './net.js';
import { parseQuantity } from './quantity.js';

test('regexError formats examples like Go (note the doubled space before "or")', () => {
  assert.equal(regexError('m', 'r'), "m (regex used for validation is 'r')");
  assert.equal(regexError('m', 'r', 'a', 'b'), "m (e.g. 'a',  or 'b', regex used for validation is 'r')");
});

test('DNS labels', () => {
  assert.deepEqual(isDNS1123Label('abc-1'), []);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.equal(isDNS1123Label('x'.repeat(64))[0], 'must be no more than 63 characters');
  assert.deepEqual(isDNS1035Label('web'), []);
  assert.equal(isDNS1035Label('1web').length, 1);
});

test('generateName prefixes may end in a dash', () => {
  assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
  assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
});

test('qualified names', () => {
  assert.deepEqual(isQualifiedName('example.com/name'), []);
  assert.match(isQualifiedName('a/b/c')[0], /^a qualified name must consist of/);
  assert.match(isQualifiedName('Example.com/x')[0], /^prefix part a lowercase RFC 1123 subdomain/);
});

test('IANA service names', () => {
  assert.deepEqual(isValidPortName('http'), []);
  assert.deepEqual(isValidPortName('8080'), ['must contain at least one letter (a-z)']);
  assert.deepEqual(isValidPortName('a--b-'), ['must not contain consecutive hyphens', 'must not begin or end with a hyphen']);
  assert.deepEqual(isValidPortName('abcdefghijklmnop'), ['must be no more than 15 characters']);
});

test('IPs are parsed sloppily, as k8s.io/utils/net does', () => {
  assert.deepEqual(parseIPSloppy('010.001.0.1'), [10, 1, 0, 1]);
  assert.deepEqual(parseIPSloppy('::ffff:10.0.0.1'), [10, 0, 0, 1]);
  assert.equal(parseIPSloppy('fe80::1')?.length, 16);
  assert.equal(parseIPSloppy('1.2.3'), undefined);
  assert.equal(parseIPSloppy('1::2::3'), undefined);
  assert.deepEqual(
    validateNonSpecialIP('169.254.1.1', 'ip').map((e) => e.detail),
    ['may not be in the link-local range (169.254.0.0/16, fe80::/10)'],
  );
});

test('quantities', () => {
  assert.deepEqual(parseQuantity('500m'), { ok: true, value: 0.5 });
  assert.deepEqual(parseQuantity('1Gi'), { ok: true, value: 2 ** 30 });
  assert.deepEqual(parseQuantity('2e3'), { ok: true, value: 2000 });
  assert.equal(parseQuantity('1Qi').ok, false);
  assert.equal(parseQuantity('abc').ok, false);
});

test('lengths are counted in bytes, as Go counts them', () => {
  // 32 two-byte characters: 32 characters but 64 bytes, one over the label limit.
  const value = 'é'.repeat(32);
  assert.ok(isValidLabelValue(value).includes('must be no more than 63 characters'));
  assert.ok(isQualifiedName(value).includes('name part must be no more than 63 characters'));
});
