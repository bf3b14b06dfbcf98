/** The edge conversion and IP helpers: untrusted input is skipped, never thrown on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceFromApi, sliceFromApi } from './from-api.js';
import { canonicalIP } from '../common/ip.js';
import { dashedIp, ipFromDashed, ipFromReverseLabels, reverseName } from './ip.js';

test('serviceFromApi: kinds, dual stack, defaults, bad input', () => {
  assert.equal(serviceFromApi({}), undefined);
  assert.equal(serviceFromApi({ metadata: { name: 'x' } }), undefined, 'no namespace');
  const dual = serviceFromApi({ metadata: { name: 'd', namespace: 'n' }, spec: { clusterIPs: ['10.0.0.3', '10:0::3'], ports: [{ name: 'HTTP', port: 80 }, { port: 70000 }, { name: 'dns', protocol: 'UDP', port: 53 }] } })!;
  assert.equal(dual.kind, 'ClusterIP');
  assert.deepEqual(dual.clusterIPs, ['10.0.0.3', '10::3']);
  assert.deepEqual(dual.ports, [{ name: 'http', protocol: 'TCP', port: 80 }, { name: 'dns', protocol: 'UDP', port: 53 }], 'bad port dropped, protocol defaults to TCP');
  assert.equal(serviceFromApi({ metadata: { name: 'h', namespace: 'n' }, spec: { clusterIP: 'None' } })!.kind, 'Headless');
  const ext = serviceFromApi({ metadata: { name: 'e', namespace: 'n' }, spec: { type: 'ExternalName', externalName: 'WWW.Example.com.' } })!;
  assert.equal(ext.kind, 'ExternalName');
  assert.equal(ext.externalName, 'www.example.com');
  assert.deepEqual(serviceFromApi({ metadata: { name: 'b', namespace: 'n' }, spec: { clusterIP: 'not-an-ip' } })!.clusterIPs, []);
});

test('sliceFromApi: readiness, hostnames, FQDN, missing ports', () => {
  const labels = { 'kubernetes.io/service-name': 'web' };
  assert.equal(sliceFromApi({ metadata: { name: 's', namespace: 'n' } }), undefined, 'no service label');
  assert.equal(sliceFromApi({ metadata: { name: 's', namespace: 'n', labels }, addressType: 'FQDN', endpoints: [{ addresses: ['a.example'] }] }), undefined);
  const s = sliceFromApi({
    metadata: { name: 's', namespace: 'n', labels },
    addressType: 'IPv6',
    endpoints: [
      { addresses: ['2001:DB8::1'], conditions: { ready: null } },
      { addresses: ['2001:db8::2'], hostname: 'Web-0', conditions: { ready: false } },
      { addresses: ['bogus', '2001:db8:3333:4444:5555:6666::'], hostname: 'x'.repeat(64) },
    ],
    ports: null,
  })!;
  assert.deepEqual(s.endpoints, [
    { address: '2001:db8::1', hostname: '2001-db8--1', ready: true },
    { address: '2001:db8::2', hostname: 'web-0', ready: false },
    { address: '2001:db8:3333:4444:5555:6666::', hostname: '2001-db8-3333-4444-5555-6666--0', ready: true },
  ]);
  assert.deepEqual(s.ports, [{ name: '', protocol: 'TCP', port: -1 }], 'no ports: the -1 sentinel');
});

test('IP helpers: dashed labels and reverse names both ways', () => {
  assert.equal(dashedIp('10.11.12.13'), '10-11-12-13');
  assert.equal(dashedIp('2001:db8:3333:4444:5555:6666:7777:8888'), '2001-db8-3333-4444-5555-6666-7777-8888');
  assert.equal(dashedIp('5678:abcd::1'), '5678-abcd--1');
  assert.equal(ipFromDashed('10-240-0-1'), '10.240.0.1');
  assert.equal(ipFromDashed('1234-abcd--1'), '1234:abcd::1');
  assert.equal(ipFromDashed('blah'), null);
  assert.equal(canonicalIP('::ffff:1.2.3.4'), '::ffff:102:304');
  assert.equal(reverseName('10.96.0.1'), '1.0.96.10.in-addr.arpa');
  const v6 = reverseName('2001:db8::1');
  assert.equal(v6, '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  assert.equal(ipFromReverseLabels(v6.split('.')), '2001:db8::1');
  assert.equal(ipFromReverseLabels('1.0.96.10.in-addr.arpa'.split('.')), '10.96.0.1');
  assert.equal(ipFromReverseLabels('01.0.96.10.in-addr.arpa'.split('.')), null, 'leading zero');
  assert.equal(ipFromReverseLabels('0.96.10.in-addr.arpa'.split('.')), null, 'partial');
});
