import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderIptablesSync, type AppliedIptables } from './render.js';
import { renderIptablesPartial, ruleEdits } from './partial.js';
import { upstreamTestProfile, type IptablesRenderConfig } from './config.js';
import { parseRestoreText } from './restore-text.js';
import { buildProxyState, type EndpointSliceJson, type ServiceJson } from '../from-api.js';
import { expectGolden, lineDiff } from '../testing/golden.js';
import { RestoreModel } from '../testing/restore-model.js';
import { makeService, makeSlice, overallServices, overallSlices, testClusterCIDR, testNodeIP, testNodeName } from '../testing/fixtures.js';

const config: IptablesRenderConfig = { nodeIPs: [testNodeIP], clusterCIDR: testClusterCIDR, profile: { ...upstreamTestProfile, nfacct: false } };

const state = (services: ServiceJson[], slices: EndpointSliceJson[]) => buildProxyState(services, slices, { ipFamily: 4, nodeName: testNodeName });

// Reference §2.2: TestSyncProxyRulesRepeated's two services.
const twoServices = () => ({
  services: [
    makeService('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80 }] }),
    makeService('ns2', 'svc2', { clusterIP: '172.30.0.42', ports: [{ name: 'p8080', port: 8080 }] }),
  ],
  slices: [
    makeSlice('ns1', 'svc1', 'svc1-1', [{ ip: '10.0.1.1' }], [{ name: 'p80', port: 80 }]),
    makeSlice('ns2', 'svc2', 'svc2-1', [{ ip: '10.0.2.1' }], [{ name: 'p8080', port: 8080 }]),
  ],
});

function firstSync(): AppliedIptables {
  const { services, slices } = twoServices();
  return renderIptablesSync(state(services, slices), config).applied;
}

function partial(applied: AppliedIptables, services: ServiceJson[], slices: EndpointSliceJson[], changed: string[]): string {
  const sync = renderIptablesPartial(applied, state(services, slices), new Set(changed), config);
  assert.ok(sync, 'a partial sync is possible');
  return sync.text;
}

const declared = (text: string, table: string) => parseRestoreText(text).tables.find((t) => t.name === table)?.chains ?? [];

test('an endpoint change rewrites only that service chain and its endpoint chains, not KUBE-SERVICES', () => {
  const { services, slices } = twoServices();
  slices[0] = makeSlice('ns1', 'svc1', 'svc1-1', [{ ip: '10.0.1.1' }, { ip: '10.0.1.2' }], [{ name: 'p80', port: 80 }]);
  const out = partial(firstSync(), services, slices, ['ns1/svc1']);
  expectGolden('iptables-partial-endpoint-added', out);
  assert.deepEqual(declared(out, 'filter'), []);
  assert.ok(!declared(out, 'nat').includes('KUBE-SERVICES'));
});

test('an endpoint moving to a new address: new chain written, old one flushed and deleted', () => {
  const { services, slices } = twoServices();
  slices[1] = makeSlice('ns2', 'svc2', 'svc2-1', [{ ip: '10.0.2.9' }], [{ name: 'p8080', port: 8080 }]);
  expectGolden('iptables-partial-endpoint-moved', partial(firstSync(), services, slices, ['ns2/svc2']));
});

test('a new service writes its chains and the nat KUBE-SERVICES it is captured in', () => {
  const { services, slices } = twoServices();
  services.push(makeService('ns3', 'svc3', { clusterIP: '172.30.0.43', ports: [{ name: 'p80', port: 80 }] }));
  slices.push(makeSlice('ns3', 'svc3', 'svc3-1', [{ ip: '10.0.3.1' }], [{ name: 'p80', port: 80 }]));
  const out = partial(firstSync(), services, slices, ['ns3/svc3']);
  expectGolden('iptables-partial-service-added', out);
  assert.deepEqual(declared(out, 'nat'), ['KUBE-SERVICES', 'KUBE-SEP-BSWRHOQ77KEXZLNL', 'KUBE-SVC-X27LE4BHSL4DOUIK']);
});

test('a deleted service: KUBE-SERVICES rewritten, its chains flushed and deleted', () => {
  const { services, slices } = twoServices();
  const out = partial(firstSync(), [services[0]!], [slices[0]!], ['ns2/svc2']);
  assert.deepEqual(declared(out, 'nat'), ['KUBE-SERVICES', 'KUBE-SEP-UHEGFW77JX3KXTOV', 'KUBE-SVC-2VJB64SDSIJUP5T6']);
  assert.ok(out.endsWith('-X KUBE-SEP-UHEGFW77JX3KXTOV\n-X KUBE-SVC-2VJB64SDSIJUP5T6\nCOMMIT\n'), out);
});

test('a service without endpoints is rejected in filter; its first endpoint moves it to nat', () => {
  const { services, slices } = twoServices();
  services.push(makeService('ns4', 'svc4', { clusterIP: '172.30.0.44', ports: [{ name: 'p80', port: 80 }] }));
  const first = firstSync();
  const rejected = renderIptablesPartial(first, state(services, slices), new Set(['ns4/svc4']), config)!;
  assert.equal(rejected.text, '*filter\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j REJECT\nCOMMIT\n');
  slices.push(makeSlice('ns4', 'svc4', 'svc4-1', [{ ip: '10.0.4.1' }], [{ name: 'p80', port: 80 }]));
  const served = partial(rejected.applied, services, slices, ['ns4/svc4']);
  assert.deepEqual(declared(served, 'filter'), ['KUBE-SERVICES']);
  assert.deepEqual(declared(served, 'nat'), ['KUBE-SERVICES', 'KUBE-SEP-AYCN5HPXMIRJNJXU', 'KUBE-SVC-4SW47YFZTEDKD3PK']);
});

test('nothing changed: no restore at all', () => {
  const { services, slices } = twoServices();
  assert.equal(partial(firstSync(), services, slices, ['ns1/svc1']), '');
});

test('changed settings (node address, large-cluster mode) need a full sync', () => {
  const { services, slices } = twoServices();
  assert.equal(renderIptablesPartial(firstSync(), state(services, slices), new Set(), { ...config, nodeIPs: ['192.168.0.9'] }), undefined);
  const many = makeSlice('ns1', 'svc1', 'svc1-1', Array.from({ length: 1001 }, (_, i) => ({ ip: `10.1.${i >> 8}.${i & 255}` })), [{ name: 'p80', port: 80 }]);
  assert.equal(renderIptablesPartial(firstSync(), state(services, [many, slices[1]!]), new Set(['ns1/svc1']), config), undefined);
});

const fillers = Array.from({ length: 40 }, (_, i) => i);
const fillerServices = () => fillers.map((i) => makeService('fill', `f${i}`, { clusterIP: `172.31.0.${i + 1}`, ports: [{ name: 'p80', port: 80 }] }));
const fillerSlices = () => fillers.map((i) => makeSlice('fill', `f${i}`, `f${i}-1`, [{ ip: `10.190.0.${i + 1}` }], [{ name: 'p80', port: 80 }]));

test('a Service added to a long KUBE-SERVICES is inserted at its place, not the whole chain rewritten', () => {
  const services = [...twoServices().services, ...fillerServices()];
  const slices = [...twoServices().slices, ...fillerSlices()];
  const first = renderIptablesSync(state(services, slices), config).applied;
  services.push(makeService('ns3', 'svc3', { clusterIP: '172.30.0.43', ports: [{ name: 'p80', port: 80 }] }));
  slices.push(makeSlice('ns3', 'svc3', 'svc3-1', [{ ip: '10.0.3.1' }], [{ name: 'p80', port: 80 }]));
  const out = partial(first, services, slices, ['ns3/svc3']);
  assert.ok(!declared(out, 'nat').includes('KUBE-SERVICES'));
  assert.match(out, /^-I KUBE-SERVICES 43 -m comment --comment "ns3\/svc3:p80 cluster IP" .* -j KUBE-SVC-X27LE4BHSL4DOUIK$/m);
});

test('positional edits: deletions bottom up, then insertions at their final places', () => {
  const a = (x: string) => `-A C ${x}`;
  const r = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `r${from + i}`);
  assert.deepEqual(ruleEdits('C', r(0, 30).map(a), ['r0', 'x', ...r(2, 28), 'y', 'r28', 'r29'].map(a)), ['-D C 2', '-I C 2 x', '-I C 29 y']);
  assert.equal(ruleEdits('C', ['a', 'b'].map(a), ['a', 'c'].map(a)), undefined, 'short chains are rewritten');
  const model = new RestoreModel();
  const before = Array.from({ length: 50 }, (_, i) => a(`r${i}`));
  const after = before.filter((_, i) => i % 17 !== 3).concat(a('z'));
  after.splice(10, 0, a('new'));
  model.apply(['*nat', ':C - [0:0]', ...before, 'COMMIT', ''].join('\n'));
  model.apply(['*nat', ...ruleEdits('C', before, after)!, 'COMMIT', ''].join('\n'));
  assert.deepEqual(model.chains.get('nat C'), after);
});

/** Seeded so a failure can be replayed. */
function random(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

test('a sequence of partial syncs leaves exactly the tables a full sync writes', () => {
  const rnd = random(7);
  // Filler Services make the dispatch chains long enough for positional edits.
  const services = new Map([...overallServices(), ...fillerServices()].map((s) => [`${s.metadata!.namespace}/${s.metadata!.name}`, s]));
  const slices = new Map([...overallSlices(), ...fillerSlices()].map((s) => [`${s.metadata!.namespace}/${s.metadata!.labels!['kubernetes.io/service-name']}`, s]));
  const kernel = new RestoreModel();
  let applied = renderIptablesSync(state([...services.values()], [...slices.values()]), config);
  kernel.apply(applied.text);
  for (let step = 0; step < 60; step++) {
    const n = 1 + Math.floor(rnd() * 7);
    const key = `ns${n}/svc${n}`;
    const roll = rnd();
    if (roll < 0.2) services.delete(key);
    else if (roll < 0.35) services.set(key, makeService(`ns${n}`, `svc${n}`, { type: 'NodePort', clusterIP: `172.30.0.${40 + n}`, ports: [{ name: 'p80', port: 80, nodePort: 3100 + n }] }));
    else if (roll < 0.45) slices.delete(key);
    else {
      const count = Math.floor(rnd() * 4);
      const eps = Array.from({ length: count }, () => ({ ip: `10.180.${n}.${1 + Math.floor(rnd() * 6)}`, nodeName: rnd() < 0.3 ? testNodeName : 'other' }));
      slices.set(key, makeSlice(`ns${n}`, `svc${n}`, `svc${n}-1`, eps, [{ name: 'p80', port: 80 }]));
    }
    const next = state([...services.values()], [...slices.values()]);
    applied = renderIptablesPartial(applied.applied, next, new Set([key]), config)!;
    kernel.apply(applied.text);
    const want = new RestoreModel();
    want.apply(renderIptablesSync(next, config).text);
    assert.equal(kernel.dump(), want.dump(), `step ${step} (${key}):\n${lineDiff(want.dump(), kernel.dump())}`);
  }
});
