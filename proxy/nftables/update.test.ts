import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderNftablesUpdate } from './update.js';
import { renderNftablesRules } from './render.js';
import type { NftablesRenderConfig } from './config.js';
import { NftRuleset } from './ruleset.js';
import { buildProxyState } from '../from-api.js';
import { lineDiff } from '../testing/golden.js';
import { nftEndpointChainBase } from '../hash.js';
import { makeService, makeSlice, overallServices, overallSlices, testClusterCIDR, testNodeIP, testNodeName } from '../testing/fixtures.js';
import type { EndpointSliceJson, ServiceJson } from '../from-api.js';

const config: NftablesRenderConfig = { nodeIPs: [testNodeIP], clusterCIDR: testClusterCIDR, serviceCIDRs: ['172.30.0.0/16'] };

function script(services: ServiceJson[], slices: EndpointSliceJson[], cfg = config): string {
  return renderNftablesRules(buildProxyState(services, slices, { ipFamily: 4, nodeName: testNodeName }), cfg);
}

/** Applying the update on top of the previous table must give exactly the next table (plus flushed stale chains). */
function assertUpdateReaches(prevScript: string, nextScript: string): ReturnType<typeof renderNftablesUpdate> {
  const update = renderNftablesUpdate(prevScript, nextScript);
  assert.equal(update.fullSyncNeeded, false);
  const kernel = new NftRuleset();
  kernel.apply(prevScript);
  kernel.apply(update.script);
  for (const chain of update.staleChains) {
    assert.deepEqual(kernel.chain(chain).rules, [], `${chain} is flushed`);
    kernel.objects.chains.delete(chain);
  }
  const want = new NftRuleset();
  want.apply(nextScript);
  assert.equal(kernel.dump(), want.dump(), lineDiff(want.dump(), kernel.dump()));
  return update;
}

test('no change, no transaction', () => {
  const s = script(overallServices(), overallSlices());
  assert.equal(assertUpdateReaches(s, s).script, '');
});

test('a new endpoint rewrites only that service and adds one endpoint chain', () => {
  const slices = overallSlices();
  const before = script(overallServices(), slices);
  slices[0] = makeSlice('ns1', 'svc1', 'svc1-1', [{ ip: '10.180.0.1' }, { ip: '10.180.0.9' }], [{ name: 'p80', port: 80 }]);
  const update = assertUpdateReaches(before, script(overallServices(), slices));
  const touched = new Set(update.script.trim().split('\n').map((l) => l.split(' ')[4]));
  assert.deepEqual([...touched].sort(), [`endpoint-${nftEndpointChainBase('ns1', 'svc1', 'tcp', 'p80', '10.180.0.9', 80)}`, 'service-ULMVA6XW-ns1/svc1/tcp/p80'].sort());
  assert.deepEqual(update.staleChains, []);
});

test('removing a service deletes its elements and flushes its chains for later deletion', () => {
  const services = overallServices();
  const slices = overallSlices();
  const before = script(services, slices);
  const update = assertUpdateReaches(before, script(services.filter((s) => s.metadata?.name !== 'svc3'), slices.filter((s) => s.metadata?.name !== 'svc3-1')));
  assert.deepEqual(update.staleChains, [
    'endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80',
    'external-4AT6LBPK-ns3/svc3/tcp/p80',
    'service-4AT6LBPK-ns3/svc3/tcp/p80',
  ]);
  assert.ok(update.script.includes('delete element ip kube-proxy service-nodeports { tcp . 3003 }\n'));
  assert.ok(update.script.includes('delete element ip kube-proxy cluster-ips { 172.30.0.43 }\n'));
});

test('a changed verdict is a delete then an add; dropping affinity deletes its set', () => {
  const services = overallServices();
  const before = script(services, overallSlices());
  const svc5 = services[4]!;
  svc5.spec = { ...svc5.spec, sessionAffinity: 'None' };
  const withoutAffinity = script(services, overallSlices());
  const update = assertUpdateReaches(before, withoutAffinity);
  assert.ok(update.script.includes('delete set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80\n'));
  const noEndpoints = overallSlices().filter((s) => s.metadata?.name !== 'svc1-1');
  const rejected = assertUpdateReaches(withoutAffinity, script(services, noEndpoints));
  assert.ok(rejected.script.includes('delete element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 }\n'));
  assert.ok(rejected.script.includes('add element ip kube-proxy no-endpoint-services { 172.30.0.41 . tcp . 80 comment "ns1/svc1:p80" : goto reject-chain }\n'));
});

test('a change to the fixed part of the table asks for a full sync', () => {
  const before = script(overallServices(), overallSlices());
  const after = script(overallServices(), overallSlices(), { ...config, serviceCIDRs: ['172.30.0.0/16', '172.31.0.0/16'] });
  const update = renderNftablesUpdate(before, after);
  assert.equal(update.fullSyncNeeded, true);
  assert.equal(update.script, after);
  assert.equal(renderNftablesUpdate('', after).fullSyncNeeded, true, 'first sync');
});

test('a new service gets its chains before the elements that point at them', () => {
  const services = [...overallServices(), makeService('ns7', 'svc7', { clusterIP: '172.30.0.47', ports: [{ name: 'p80', port: 80 }] })];
  const slices = [...overallSlices(), makeSlice('ns7', 'svc7', 'svc7-1', [{ ip: '10.180.0.7' }], [{ name: 'p80', port: 80 }])];
  const update = assertUpdateReaches(script(overallServices(), overallSlices()), script(services, slices));
  const lines = update.script.split('\n');
  const chainAt = lines.findIndex((l) => l.startsWith('add chain') && l.includes('ns7/svc7'));
  const elementAt = lines.findIndex((l) => l.startsWith('add element') && l.includes('ns7/svc7'));
  assert.ok(chainAt >= 0 && chainAt < elementAt);
});
