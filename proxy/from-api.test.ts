import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProxyState, endpointsFromSlices, nodeIPsFromNode, nodeTopologyFromNode, servicePortKey, servicePortsFromService } from './from-api.js';
import { makeService, makeSlice, overallState } from './testing/fixtures.js';
import { servicePortNameString } from './model.js';

const ctx = { ipFamily: 4 as const, nodeName: 'node1' };

test('headless, ExternalName and other-family services produce no ports', () => {
  assert.deepEqual(servicePortsFromService(makeService('ns', 'h', { clusterIP: 'None', ports: [{ port: 80 }] }), 4), []);
  assert.deepEqual(servicePortsFromService(makeService('ns', 'e', { type: 'ExternalName', ports: [{ port: 80 }] }), 4), []);
  assert.deepEqual(servicePortsFromService(makeService('ns', 'v6', { clusterIP: 'fd00::1', ports: [{ port: 80 }] }), 4), []);
  assert.deepEqual(servicePortsFromService(makeService('ns', 'none', { ports: [{ port: 80 }] }), 4), []);
});

test('dual-stack: each family gets its own cluster IP, external IPs and ranges', () => {
  const svc = makeService('ns', 'ds', {
    clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5', 'fd00:0:0::5'], externalIPs: ['1.1.1.1', '2001:db8::1'],
    loadBalancerSourceRanges: ['10.0.0.0/8', '2001:DB8::/32'], ports: [{ port: 80 }],
  });
  const [v4] = servicePortsFromService(svc, 4);
  const [v6] = servicePortsFromService(svc, 6);
  assert.equal(v4!.clusterIP, '10.96.0.5');
  assert.equal(v6!.clusterIP, 'fd00::5');
  assert.deepEqual(v4!.externalIPs, ['1.1.1.1']);
  assert.deepEqual(v6!.externalIPs, ['2001:db8::1']);
  assert.deepEqual(v6!.loadBalancerSourceRanges, ['2001:db8::/32']);
});

test('port defaults and derived policy fields', () => {
  const svc = makeService('ns', 'lb', {
    type: 'LoadBalancer', clusterIP: '10.96.0.7', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000,
    sessionAffinity: 'ClientIP', loadBalancerSourceRanges: [' 203.0.113.7/25', 'bogus'],
    ports: [{ name: 'http', port: 80, nodePort: 30080 }, { name: 'dns', port: 53, protocol: 'UDP' }],
  }, ['1.2.3.4']);
  const ports = servicePortsFromService(svc, 4);
  assert.equal(ports.length, 2);
  const http = ports[0]!;
  assert.equal(http.protocol, 'TCP');
  assert.equal(http.nodePort, 30080);
  assert.equal(ports[1]!.protocol, 'UDP');
  assert.equal(http.externalPolicyLocal, true);
  assert.equal(http.healthCheckNodePort, 31000);
  assert.equal(http.sessionAffinity, 'ClientIP');
  assert.equal(http.stickyMaxAgeSeconds, 10800, 'API default timeout');
  assert.deepEqual(http.loadBalancerSourceRanges, ['203.0.113.0/25'], 'trimmed, masked, invalid dropped');
  assert.deepEqual(http.loadBalancerVIPs, ['1.2.3.4']);
  assert.equal(servicePortNameString(http), 'ns/lb:http');
});

test('eTP=Local only counts for NodePort and LoadBalancer services; ipMode Proxy LB IPs are skipped', () => {
  const [clusterIP] = servicePortsFromService(makeService('ns', 'c', { clusterIP: '10.96.0.8', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }), 4);
  assert.equal(clusterIP!.externalPolicyLocal, false);
  const svc = makeService('ns', 'p', { type: 'LoadBalancer', clusterIP: '10.96.0.9', ports: [{ port: 80 }] });
  svc.status = { loadBalancer: { ingress: [{ ip: '1.1.1.1', ipMode: 'Proxy' }, { ip: '2.2.2.2', ipMode: 'VIP' }, { ip: '3.3.3.3' }] } };
  assert.deepEqual(servicePortsFromService(svc, 4)[0]!.loadBalancerVIPs, ['2.2.2.2', '3.3.3.3']);
});

test('slices of one service merge per port, deduplicated and sorted by "ip:port" string', () => {
  const slices = [
    makeSlice('ns', 'web', 'web-b', [{ ip: '10.0.0.2' }, { ip: '10.0.0.10', nodeName: 'node1' }], [{ name: 'http', port: 8080 }]),
    makeSlice('ns', 'web', 'web-a', [{ ip: '10.0.0.3' }, { ip: '10.0.0.2' }], [{ name: 'http', port: 8080 }, { name: 'udp', port: 53, protocol: 'UDP' }]),
  ];
  const byPort = endpointsFromSlices(slices, ctx);
  const http = byPort.get(servicePortKey('ns', 'web', 'http', 'TCP'))!;
  assert.deepEqual(http.map((e) => `${e.ip}:${e.port}`), ['10.0.0.10:8080', '10.0.0.2:8080', '10.0.0.3:8080']);
  assert.equal(http[0]!.isLocal, true);
  assert.equal(http[1]!.isLocal, false);
  assert.equal(byPort.get(servicePortKey('ns', 'web', 'udp', 'UDP'))!.length, 2);
});

test('conditions: nil ready/serving mean true, terminating defaults false; a live duplicate beats a terminating one', () => {
  const slices = [
    makeSlice('ns', 'web', 'a', [{ ip: '10.0.0.5', ready: false, serving: true, terminating: true }], [{ name: 'p', port: 80 }]),
    makeSlice('ns', 'web', 'b', [{ ip: '10.0.0.5' }], [{ name: 'p', port: 80 }]),
    makeSlice('ns', 'web', 'c', [{ ip: '10.0.0.5', ready: false, terminating: true }], [{ name: 'p', port: 80 }]),
  ];
  const [ep] = endpointsFromSlices(slices, ctx).get(servicePortKey('ns', 'web', 'p', 'TCP'))!;
  assert.deepEqual([ep!.ready, ep!.serving, ep!.terminating], [true, true, false]);
});

test('ports without a name field, without a number, and slices without the service label are ignored', () => {
  const unnamed = makeSlice('ns', 'web', 'a', [{ ip: '10.0.0.5' }], []);
  unnamed.ports = [{ port: 80 }, { name: 'x', port: null }, { name: 'y', port: 81 }];
  const unlabeled = makeSlice('ns', 'web', 'b', [{ ip: '10.0.0.6' }], [{ name: 'y', port: 81 }]);
  unlabeled.metadata!.labels = {};
  const byPort = endpointsFromSlices([unnamed, unlabeled], ctx);
  assert.deepEqual([...byPort.keys()], [servicePortKey('ns', 'web', 'y', 'TCP')]);
  assert.equal(byPort.get(servicePortKey('ns', 'web', 'y', 'TCP'))!.length, 1);
});

test('endpoints of the other family and FQDN slices are skipped; IPs are canonicalised', () => {
  const v4 = makeSlice('ns', 'web', 'a', [{ ip: '10.0.0.5' }, { ip: 'FD00::0005' }], [{ name: 'p', port: 80 }]);
  const fqdn = { ...makeSlice('ns', 'web', 'f', [{ ip: '10.0.0.7' }], [{ name: 'p', port: 80 }]), addressType: 'FQDN' };
  assert.deepEqual(endpointsFromSlices([v4, fqdn], ctx).get(servicePortKey('ns', 'web', 'p', 'TCP'))!.map((e) => e.ip), ['10.0.0.5']);
  assert.deepEqual(endpointsFromSlices([v4], { ipFamily: 6, nodeName: '' }).get(servicePortKey('ns', 'web', 'p', 'TCP'))!.map((e) => e.ip), ['fd00::5']);
});

test('buildProxyState joins ports to endpoints by name and protocol, in a stable order', () => {
  const state = overallState();
  assert.deepEqual(state.servicePorts.map((e) => servicePortNameString(e.service)), ['ns1/svc1:p80', 'ns2/svc2:p80', 'ns3/svc3:p80', 'ns4/svc4:p80', 'ns5/svc5:p80', 'ns6/svc6:p80']);
  assert.deepEqual(state.servicePorts.map((e) => e.endpoints.length), [1, 1, 1, 2, 1, 0]);
  const udpOnly = buildProxyState(
    [makeService('ns', 'dns', { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'TCP' }] })],
    [makeSlice('ns', 'dns', 'a', [{ ip: '10.0.0.5' }], [{ name: 'dns', port: 53, protocol: 'UDP' }])],
    ctx,
  );
  assert.equal(udpOnly.servicePorts[0]!.endpoints.length, 0, 'a UDP slice port does not serve a TCP service port');
});

test('node: zone label and addresses of one family, InternalIP first', () => {
  const node = {
    metadata: { name: 'node1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } },
    status: { addresses: [
      { type: 'Hostname', address: 'node1' },
      { type: 'ExternalIP', address: '203.0.113.9' },
      { type: 'InternalIP', address: '192.168.56.10' },
      { type: 'InternalIP', address: 'fd00::a' },
    ] },
  };
  assert.deepEqual(nodeTopologyFromNode(node), { zone: 'zone-a' });
  assert.deepEqual(nodeTopologyFromNode(undefined), {});
  assert.deepEqual(nodeIPsFromNode(node, 4), ['192.168.56.10', '203.0.113.9']);
  assert.deepEqual(nodeIPsFromNode(node, 6), ['fd00::a']);
});

test('malformed objects are skipped one by one, with a warning, never thrown', async () => {
  const { setLogSink } = await import('../common/log.js');
  const logged: string[] = [];
  setLogSink((line) => logged.push(line));
  try {
    const garbage: unknown[] = [
      {}, { spec: null }, { spec: { clusterIP: '10.0.0.1', ports: [null, { port: '80' }, { port: 80, protocol: 5 }] } },
      { spec: { clusterIP: '10.0.0.2', externalIPs: 'nope', loadBalancerSourceRanges: [null, 5], ports: [{ port: 80, nodePort: -1 }] }, status: { loadBalancer: { ingress: [null, { ip: 7 }] } } },
      { spec: { clusterIPs: 'x', ports: [{ port: 80 }] } },
      new Proxy({}, { get: () => { throw new Error('boom'); } }),
      makeService('ns', 'good', { clusterIP: '10.96.0.9', ports: [{ name: 'p', port: 80 }] }),
    ];
    const slices: unknown[] = [
      {}, { metadata: { labels: { 'kubernetes.io/service-name': 'good' }, namespace: 'ns' }, endpoints: [null, { addresses: [5] }, { addresses: 'x' }, { addresses: ['10.0.0.5'] }], ports: [null, { name: 'p', port: 80 }] },
    ];
    const state = buildProxyState(garbage as never, slices as never, ctx);
    const names = state.servicePorts.map((e) => `${e.service.namespace}/${e.service.name}:${e.service.port}/${e.service.nodePort}`);
    assert.deepEqual(names, ['default/:80/0', 'default/:80/0', 'ns/good:80/0']);
    assert.deepEqual(state.servicePorts.at(-1)!.endpoints.map((e) => e.ip), ['10.0.0.5']);
    assert.equal(logged.filter((l) => l.includes('skipping malformed object')).length, 1);
  } finally {
    setLogSink((line) => process.stderr.write(line + '\n'));
  }
});
