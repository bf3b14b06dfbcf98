import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderNftablesPartial, type NftablesPartialSync } from './partial.js';
import { renderNftablesSync } from './render.js';
import type { NftablesRenderConfig } from './config.js';
import { NftRuleset } from './ruleset.js';
import { buildProxyState } from '../from-api.js';
import { expectGolden, lineDiff } from '../testing/golden.js';
import { nftEndpointChainBase } from '../hash.js';
import { makeService, makeSlice, overallServices, overallSlices, testClusterCIDR, testNodeIP, testNodeName } from '../testing/fixtures.js';
import type { EndpointSliceJson, ServiceJson } from '../from-api.js';

const config: NftablesRenderConfig = { nodeIPs: [testNodeIP], clusterCIDR: testClusterCIDR, serviceCIDRs: ['172.30.0.0/16'] };

const state = (services: ServiceJson[], slices: EndpointSliceJson[]) => buildProxyState(services, slices, { ipFamily: 4, nodeName: testNodeName });

/**
 * The partial sync from (services0, slices0) to (services1, slices1), checked the way the kernel
 * would see it: the full table plus the delta, minus the stale chains a later sync deletes, must
 * be exactly the table a full sync of the new state writes.
 */
function partialSync(before: [ServiceJson[], EndpointSliceJson[]], after: [ServiceJson[], EndpointSliceJson[]], changed: string[]): NftablesPartialSync {
  const first = renderNftablesSync(state(...before), config);
  const sync = renderNftablesPartial(first.applied, state(...after), new Set(changed), config);
  assert.ok(sync, 'a partial sync is possible');
  const kernel = new NftRuleset();
  kernel.apply(first.text);
  kernel.apply(sync.text);
  for (const chain of sync.staleChains) {
    assert.deepEqual(kernel.chain(chain).rules, [], `${chain} is flushed`);
    kernel.objects.chains.delete(chain);
  }
  const want = new NftRuleset();
  want.apply(renderNftablesSync(state(...after), config).text);
  assert.equal(kernel.dump(), want.dump(), lineDiff(want.dump(), kernel.dump()));
  return sync;
}

const overall = (): [ServiceJson[], EndpointSliceJson[]] => [overallServices(), overallSlices()];

test('no change, no transaction', () => {
  assert.equal(partialSync(overall(), overall(), ['ns1/svc1']).text, '');
});

test('a new endpoint rewrites only that service chain and adds one endpoint chain', () => {
  const slices = overallSlices();
  slices[0] = makeSlice('ns1', 'svc1', 'svc1-1', [{ ip: '10.180.0.1' }, { ip: '10.180.0.9' }], [{ name: 'p80', port: 80 }]);
  const sync = partialSync(overall(), [overallServices(), slices], ['ns1/svc1']);
  expectGolden('nftables-partial-endpoint-added', sync.text);
  assert.deepEqual(sync.addedChains, [`endpoint-${nftEndpointChainBase('ns1', 'svc1', 'tcp', 'p80', '10.180.0.9', 80)}`]);
  assert.deepEqual(sync.staleChains, []);
});

test('an endpoint moving: new chain added, old one flushed for later deletion, no element touched', () => {
  const slices = overallSlices();
  slices[0] = makeSlice('ns1', 'svc1', 'svc1-1', [{ ip: '10.180.0.9' }], [{ name: 'p80', port: 80 }]);
  const sync = partialSync(overall(), [overallServices(), slices], ['ns1/svc1']);
  expectGolden('nftables-partial-endpoint-moved', sync.text);
  assert.deepEqual(sync.staleChains, [`endpoint-${nftEndpointChainBase('ns1', 'svc1', 'tcp', 'p80', '10.180.0.1', 80)}`]);
  assert.doesNotMatch(sync.text, /element/);
});

test('removing a service deletes its elements and flushes its chains for later deletion', () => {
  const sync = partialSync(overall(), [overallServices().filter((s) => s.metadata?.name !== 'svc3'), overallSlices().filter((s) => s.metadata?.name !== 'svc3-1')], ['ns3/svc3']);
  assert.deepEqual([...sync.staleChains].sort(), [
    'endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80',
    'external-4AT6LBPK-ns3/svc3/tcp/p80',
    'service-4AT6LBPK-ns3/svc3/tcp/p80',
  ]);
  assert.ok(sync.text.includes('delete element ip kube-proxy service-nodeports { tcp . 3003 }\n'));
  assert.ok(sync.text.includes('delete element ip kube-proxy cluster-ips { 172.30.0.43 }\n'));
});

test('a changed verdict is a delete then an add; dropping affinity deletes its set', () => {
  const services = overallServices();
  services[4]!.spec = { ...services[4]!.spec, sessionAffinity: 'None' };
  const withoutAffinity = partialSync(overall(), [services, overallSlices()], ['ns5/svc5']);
  assert.ok(withoutAffinity.text.endsWith('delete set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80\n'));
  assert.deepEqual(withoutAffinity.deletedSets, ['affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80']);
  const rejected = partialSync(overall(), [overallServices(), overallSlices().filter((s) => s.metadata?.name !== 'svc1-1')], ['ns1/svc1']);
  assert.ok(rejected.text.includes('delete element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 }\n'));
  assert.ok(rejected.text.includes('add element ip kube-proxy no-endpoint-services { 172.30.0.41 . tcp . 80 comment "ns1/svc1:p80" : goto reject-chain }\n'));
});

test('a change to the settings (the fixed part of the table) needs a full sync', () => {
  const first = renderNftablesSync(state(...overall()), config);
  assert.equal(renderNftablesPartial(first.applied, state(...overall()), new Set(), { ...config, serviceCIDRs: ['172.30.0.0/16', '172.31.0.0/16'] }), undefined);
});

test('a new service gets its chains before the elements that point at them', () => {
  const services = [...overallServices(), makeService('ns7', 'svc7', { clusterIP: '172.30.0.47', ports: [{ name: 'p80', port: 80 }] })];
  const slices = [...overallSlices(), makeSlice('ns7', 'svc7', 'svc7-1', [{ ip: '10.180.0.7' }], [{ name: 'p80', port: 80 }])];
  const lines = partialSync(overall(), [services, slices], ['ns7/svc7']).text.split('\n');
  const chainAt = lines.findIndex((l) => l.startsWith('add chain') && l.includes('ns7/svc7'));
  const elementAt = lines.findIndex((l) => l.startsWith('add element') && l.includes('ns7/svc7'));
  assert.ok(chainAt >= 0 && chainAt < elementAt);
});

/** Seeded so a failure can be replayed. */
function random(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

test('a sequence of partial syncs leaves exactly the table a full sync writes', () => {
  const rnd = random(11);
  const services = new Map(overallServices().map((s) => [`${s.metadata!.namespace}/${s.metadata!.name}`, s]));
  const slices = new Map(overallSlices().map((s) => [`${s.metadata!.namespace}/${s.metadata!.labels!['kubernetes.io/service-name']}`, s]));
  const kernel = new NftRuleset();
  let sync = renderNftablesSync(state([...services.values()], [...slices.values()]), config);
  kernel.apply(sync.text);
  let applied = sync.applied;
  for (let step = 0; step < 60; step++) {
    const n = 1 + Math.floor(rnd() * 7);
    const key = `ns${n}/svc${n}`;
    const roll = rnd();
    if (roll < 0.2) services.delete(key);
    else if (roll < 0.35) {
      const affinity = rnd() < 0.5 ? { sessionAffinity: 'ClientIP' } : {};
      services.set(key, makeService(`ns${n}`, `svc${n}`, { type: 'NodePort', clusterIP: `172.30.0.${40 + n}`, ports: [{ name: 'p80', port: 80, nodePort: 3100 + n }], ...affinity }));
    } else if (roll < 0.45) slices.delete(key);
    else {
      const count = Math.floor(rnd() * 4);
      const eps = Array.from({ length: count }, () => ({ ip: `10.180.${n}.${1 + Math.floor(rnd() * 6)}`, nodeName: rnd() < 0.3 ? testNodeName : 'other' }));
      slices.set(key, makeSlice(`ns${n}`, `svc${n}`, `svc${n}-1`, eps, [{ name: 'p80', port: 80 }]));
    }
    const next = state([...services.values()], [...slices.values()]);
    const partial = renderNftablesPartial(applied, next, new Set([key]), config)!;
    kernel.apply(partial.text);
    for (const chain of partial.staleChains) kernel.objects.chains.delete(chain);
    applied = partial.applied;
    const want = new NftRuleset();
    want.apply(renderNftablesSync(next, config).text);
    assert.equal(kernel.dump(), want.dump(), `step ${step} (${key}):\n${lineDiff(want.dump(), kernel.dump())}`);
  }
});
