import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressMatches, canonicalIP, cidrContains, compareIPs, formatCidr, joinHostPort, parseCidr } from './ip.js';

test('canonical IPv6 text compresses the longest zero run (as Go prints it)', () => {
  assert.equal(canonicalIP('FD00:0:0:0:0:0:0:5'), 'fd00::5');
  assert.equal(canonicalIP('fd00:10:180:0:0:0:2:1'), 'fd00:10:180::2:1');
  assert.equal(canonicalIP('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  assert.equal(canonicalIP('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2:3:4:5:6');
  assert.equal(canonicalIP('::1'), '::1');
  assert.equal(canonicalIP('::'), '::');
  assert.equal(canonicalIP(' 10.0.0.1 '), '10.0.0.1');
  assert.equal(canonicalIP('10.0.0.256'), undefined);
});

test('CIDRs are trimmed and masked; membership respects the family', () => {
  const c = parseCidr(' 203.0.113.7/25')!;
  assert.equal(formatCidr(c), '203.0.113.0/25');
  assert.ok(cidrContains(c, '203.0.113.2'));
  assert.ok(!cidrContains(c, '203.0.113.130'));
  assert.ok(!cidrContains(c, 'fd00::1'));
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.ok(addressMatches('fd00:10::/64', 'fd00:10::5'));
  assert.ok(addressMatches('10.0.0.1', '10.0.0.1'));
});

test('host:port joining and numeric ordering', () => {
  assert.equal(joinHostPort('fd00::1', 80), '[fd00::1]:80');
  assert.equal(joinHostPort('10.0.0.1', 80), '10.0.0.1:80');
  assert.ok(compareIPs('10.0.0.9', '10.0.0.10') < 0);
});
