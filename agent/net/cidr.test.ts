import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseNodePodCidr, gatewayOf, podAddressRange, numberToIp } from './cidr.js';
import { PodAddressAllocator } from './ipam.js';

describe('node pod CIDR', () => {
  it('takes the first /24 no other node has', () => {
    assert.equal(chooseNodePodCidr('10.244.0.0/16', []), '10.244.0.0/24');
    assert.equal(chooseNodePodCidr('10.244.0.0/16', ['10.244.0.0/24', '10.244.2.0/24']), '10.244.1.0/24');
    assert.throws(() => chooseNodePodCidr('10.244.0.0/24', ['10.244.0.0/24']), /taken/);
  });
  it('puts the gateway first and pods after it', () => {
    assert.equal(gatewayOf('10.244.3.0/24'), '10.244.3.1');
    const r = podAddressRange('10.244.3.0/24');
    assert.equal(numberToIp(r.first), '10.244.3.2');
    assert.equal(numberToIp(r.last), '10.244.3.254');
  });
});

describe('pod address allocation', () => {
  it('never gives one address twice, also across restarts, and does not reuse a freed one at once', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ipam-')), 'ipam.json');
    const a = new PodAddressAllocator(path, '10.244.0.0/24');
    assert.equal(a.allocate('u1'), '10.244.0.2');
    assert.equal(a.allocate('u2'), '10.244.0.3');
    assert.equal(a.allocate('u1'), '10.244.0.2', 'idempotent per pod');
    a.release('u1');
    await a.persist();
    const b = new PodAddressAllocator(path, '10.244.0.0/24');
    assert.equal(b.addressOf('u2'), '10.244.0.3');
    assert.equal(b.allocate('u3'), '10.244.0.4');
    assert.deepEqual(b.owners().sort(), ['u2', 'u3']);
  });
  it('wraps around and reports exhaustion', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ipam-')), 'ipam.json');
    const a = new PodAddressAllocator(path, '10.0.0.0/29'); // .2 … .6
    for (let i = 0; i < 5; i++) a.allocate(`u${i}`);
    assert.throws(() => a.allocate('x'), /no free pod address/);
    a.release('u0');
    assert.equal(a.allocate('x'), '10.0.0.2');
  });
  it('hands a pooled sandbox\'s address to the pod that takes it and counts free addresses', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ipam-')), 'ipam.json');
    const a = new PodAddressAllocator(path, '10.0.0.0/29'); // .2 … .6
    assert.equal(a.freeCount(), 5);
    const ip = a.allocate('sandbox-pool/abc');
    assert.equal(a.freeCount(), 4);
    a.transfer('sandbox-pool/abc', 'pod-uid');
    assert.equal(a.addressOf('pod-uid'), ip);
    assert.equal(a.addressOf('sandbox-pool/abc'), undefined);
    assert.equal(a.freeCount(), 4);
  });
});
