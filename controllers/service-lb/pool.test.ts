import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressPool, formatAddress, parseAddress, parsePoolEntry } from './pool.js';

test('addresses round-trip in both families', () => {
  for (const ip of ['192.168.1.240', '0.0.0.0', '2001:db8::1', '::', 'fd00:1:2:3:4:5:6:7', '2001:db8:0:1::']) {
    const a = parseAddress(ip)!;
    assert.equal(formatAddress(a.family, a.value), ip);
  }
  assert.equal(parseAddress('::ffff:1.2.3.4')!.value, 0xffff01020304n);
  assert.equal(parseAddress('300.1.1.1'), undefined);
});

test('pool entries: CIDRs without network and broadcast, ranges, single addresses', () => {
  const cidr = parsePoolEntry('192.168.1.240/28');
  assert.equal(formatAddress(4, cidr.first), '192.168.1.241');
  assert.equal(formatAddress(4, cidr.last), '192.168.1.254');
  const slash32 = parsePoolEntry('10.0.0.7/32');
  assert.equal(slash32.first, slash32.last);
  const range = parsePoolEntry('10.0.0.5 - 10.0.0.6');
  assert.equal(range.last - range.first, 1n);
  assert.equal(parsePoolEntry('2001:db8::/126').last - parsePoolEntry('2001:db8::/126').first, 3n);
  assert.throws(() => parsePoolEntry('10.0.0.9-10.0.0.1'), /ends before it starts/);
  assert.throws(() => parsePoolEntry('nonsense'), /invalid address pool entry "nonsense"/);
  assert.throws(() => parsePoolEntry('10.0.0.0/33'), /not a CIDR/);
});

test('firstFree skips used addresses, walks ranges in order, and runs out', () => {
  const pool = new AddressPool(['10.0.0.1-10.0.0.2', '2001:db8::10/127', '10.0.1.0/30']);
  assert.equal(pool.firstFree(new Set()), '10.0.0.1');
  assert.equal(pool.firstFree(new Set(['10.0.0.1', '10.0.0.2']), 4), '10.0.1.1');
  assert.equal(pool.firstFree(new Set(), 6), '2001:db8::10');
  assert.equal(pool.firstFree(new Set(['10.0.0.1', '10.0.0.2', '10.0.1.1', '10.0.1.2']), 4), undefined);
  assert.ok(pool.contains('10.0.1.2'));
  assert.ok(!pool.contains('10.0.1.3'));
  assert.ok(new AddressPool(['10.0.0.0/8']).firstFree(new Set(['10.0.0.1'])) === '10.0.0.2');
});
