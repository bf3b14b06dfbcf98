/**
 * Real-kernel test of partial syncs: a sequence of Service and endpoint changes applied with
 * partial syncs must leave exactly the rules a full sync writes from scratch. Each mode programs
 * two namespaces the test makes (one by partial syncs, one by a single full sync) and compares
 * iptables-save / `nft -j list table` after normalising what legitimately differs (chain creation
 * order, handles, counters).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.js';
import { buildProxyState, type EndpointSliceJson, type ServiceJson } from '../from-api.js';
import { makeService, makeSlice, overallServices, overallSlices, testNodeIP, testNodeName } from '../testing/fixtures.js';
import { normalizeRestoreText } from '../iptables/restore-text.js';
import { hostRunner } from '../apply/runner.js';
import type { ProxyBackend } from './backend.js';
import { IptablesBackend } from './iptables-backend.js';
import { NftablesBackend } from './nftables-backend.js';
import { ProxyMetrics } from './metrics.js';
import { Lab } from './testing/lab.js';
import { lineDiff } from '../testing/golden.js';
import { renderIptablesSync } from '../iptables/render.js';
import { splitRestoreInput } from '../iptables/restore-blocks.js';
import { iptablesRestoreCommand } from '../iptables/config.js';

const skip = Lab.canRun();
if (!process.env.SVCNET_TEST_LOGS) setLogSink(() => {});

const clusterCIDR = '10.0.0.0/8';
const node = { nodeIPs: [testNodeIP], topology: {} };

/** nftables-netlink: partial syncs as netlink batches (skipped without the native addon). */
type Mode = 'iptables' | 'nftables' | 'nftables-netlink';

function makeBackend(mode: Mode, ns: string): ProxyBackend {
  const runner = hostRunner(ns);
  if (mode === 'iptables') return new IptablesBackend(runner, { clusterCIDR }, new ProxyMetrics());
  return new NftablesBackend(runner, { clusterCIDR, netlink: mode === 'nftables-netlink' }, new ProxyMetrics());
}

const noAddon = hostRunner().sendNftBatch ? undefined : 'the nf_tables netlink addon is not built';

/** Seeded so a failure can be replayed. */
function random(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

// Filler Services make the dispatch chains long enough for positional edits (-D/-I n).
const fillers = Array.from({ length: 40 }, (_, i) => i);
const fillerServices = fillers.map((i) => makeService('fill', `f${i}`, { clusterIP: `172.31.0.${i + 1}`, ports: [{ name: 'p80', port: 80 }] }));
const fillerSlices = fillers.map((i) => makeSlice('fill', `f${i}`, `f${i}-1`, [{ ip: `10.190.0.${i + 1}` }], [{ name: 'p80', port: 80 }]));

/** The fixture cluster, then one random Service or EndpointSlice change per step. */
class ChangingCluster {
  readonly #rnd = random(2026);
  readonly #services = new Map<string, ServiceJson>([...overallServices(), ...fillerServices].map((s) => [`${s.metadata!.namespace}/${s.metadata!.name}`, s]));
  readonly #slices = new Map<string, EndpointSliceJson>([...overallSlices(), ...fillerSlices].map((s) => [`${s.metadata!.namespace}/${s.metadata!.labels!['kubernetes.io/service-name']}`, s]));

  state() {
    return buildProxyState([...this.#services.values()], [...this.#slices.values()], { ipFamily: 4, nodeName: testNodeName });
  }

  /** Changes one Service or its endpoints; returns its "ns/name". */
  change(): string {
    const rnd = this.#rnd;
    const n = 1 + Math.floor(rnd() * 8);
    const [ns, name, key] = [`ns${n}`, `svc${n}`, `ns${n}/svc${n}`];
    const roll = rnd();
    if (roll < 0.15) this.#services.delete(key);
    else if (roll < 0.3) {
      const affinity = rnd() < 0.5 ? { sessionAffinity: 'ClientIP' } : {};
      const local = rnd() < 0.5 ? { externalTrafficPolicy: 'Local' } : {};
      // Some become LoadBalancers with source ranges (a firewall chain; the node's range admits the LB IP too).
      const lb = rnd() < 0.3 ? { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/25', '192.168.0.0/24'] } : {};
      this.#services.set(key, makeService(ns, name, { type: 'NodePort', clusterIP: `172.30.0.${40 + n}`, ports: [{ name: 'p80', port: 80, nodePort: 3100 + n }], ...affinity, ...local, ...lb }, 'type' in lb ? [`5.6.7.${n}`] : []));
    } else if (roll < 0.4) this.#slices.delete(key);
    else {
      const eps = Array.from({ length: Math.floor(rnd() * 5) }, () => ({ ip: `10.180.${n}.${1 + Math.floor(rnd() * 8)}`, nodeName: rnd() < 0.3 ? testNodeName : 'other' }));
      this.#slices.set(key, makeSlice(ns, name, `${name}-1`, eps, [{ name: 'p80', port: 80 }]));
    }
    return key;
  }
}

/** iptables-save of filter and nat in canonical order (chains by name, rules in chain order). */
function iptablesState(lab: Lab, ns: string): string {
  return ['filter', 'nat'].map((t) => normalizeRestoreText(lab.exec(ns, 'iptables-save', ['-t', t]))).join('');
}

/** The kube-proxy table as JSON without handles: chains by name with their rules, sets with sorted elements. */
function nftablesState(lab: Lab, ns: string): string {
  const parsed = JSON.parse(lab.exec(ns, 'nft', ['-j', 'list', 'table', 'ip', 'kube-proxy'])) as { nftables: Array<Record<string, Record<string, unknown>>> };
  const strip = (v: unknown): unknown => (Array.isArray(v) ? v.map(strip) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'handle').map(([k, x]) => [k, strip(x)])) : v);
  const objects = new Map<string, unknown>();
  const rules = new Map<string, unknown[]>();
  for (const item of parsed.nftables) {
    const [kind, body] = Object.entries(item)[0]!;
    if (kind === 'rule') rules.set(String(body.chain), [...(rules.get(String(body.chain)) ?? []), strip(body)]);
    else if (kind === 'chain' || kind === 'set' || kind === 'map') {
      const elem = Array.isArray(body.elem) ? (body.elem as unknown[]).map((e) => JSON.stringify(e)).sort() : undefined;
      objects.set(`${kind} ${String(body.name)}`, strip({ ...body, elem }));
    }
  }
  return [...objects.keys()].sort().map((k) => JSON.stringify([k, objects.get(k), rules.get(k.slice(6)) ?? []])).join('\n') + '\n';
}

describe('partial syncs in the kernel', { skip }, () => {
  for (const mode of ['iptables', 'nftables', 'nftables-netlink'] as const) {
    const labs: Lab[] = [];
    after(async () => {
      for (const lab of labs.splice(0)) await lab.close();
    });

    test(`${mode}: 60 partial syncs leave the same rules as one full sync`, { skip: mode === 'nftables-netlink' && noAddon }, async () => {
      const [partialLab, fullLab] = [new Lab(), new Lab()];
      labs.push(partialLab, fullLab);
      partialLab.setUp();
      fullLab.setUp();
      const cluster = new ChangingCluster();
      const backend = makeBackend(mode, partialLab.nodeNs);
      assert.equal((await backend.sync({ state: cluster.state(), node, changedServices: new Set(), full: true })).full, true);
      const via = new Map<string, number>();
      for (let step = 0; step < 60; step++) {
        const key = cluster.change();
        const result = await backend.sync({ state: cluster.state(), node, changedServices: new Set([key]), full: false });
        assert.equal(result.full, false, `step ${step} was partial`);
        via.set(String(result.via), (via.get(String(result.via)) ?? 0) + 1);
      }
      if (mode === 'nftables') assert.equal(via.get('netlink'), undefined);
      // Every form a partial sync writes is encoded, so every sync is a batch.
      if (mode === 'nftables-netlink') assert.ok(via.get('nft') === undefined && (via.get('netlink') ?? 0) >= 20, JSON.stringify([...via]));
      // The chains the last syncs flushed as stale are deleted by the next one (nftables).
      await backend.sync({ state: cluster.state(), node, changedServices: new Set(), full: false });
      await makeBackend(mode, fullLab.nodeNs).sync({ state: cluster.state(), node, changedServices: new Set(), full: true });
      const dump = mode === 'iptables' ? iptablesState : nftablesState;
      const [got, want] = [dump(partialLab, partialLab.nodeNs), dump(fullLab, fullLab.nodeNs)];
      assert.equal(got, want, lineDiff(want, got));
    });
  }
});

describe('full syncs cut into blocks (iptables-nft)', { skip }, () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const lab of labs.splice(0)) await lab.close();
  });

  /** One full render piped to iptables-restore, cut into blocks of at most `maxRules` rules. */
  async function restore(ns: string, state: ReturnType<ChangingCluster['state']>, existingNatChains: string[], maxRules: number): Promise<void> {
    const text = renderIptablesSync(state, { nodeIPs: node.nodeIPs, clusterCIDR, existingNatChains }).text;
    const [cmd, ...args] = iptablesRestoreCommand(4);
    const r = await hostRunner(ns).run(cmd!, args, splitRestoreInput(text, maxRules));
    assert.equal(r.code, 0, r.stderr);
  }

  test('a full sync and a re-sync in blocks of 7 rules leave the same rules as one block', async () => {
    const [blockLab, oneLab] = [new Lab(), new Lab()];
    labs.push(blockLab, oneLab);
    blockLab.setUp();
    oneLab.setUp();
    const cluster = new ChangingCluster();
    await restore(blockLab.nodeNs, cluster.state(), [], 7);
    for (let step = 0; step < 10; step++) cluster.change();
    const existing = (lab: Lab) => lab.exec(lab.nodeNs, 'iptables-save', ['-t', 'nat']).split('\n').filter((l: string) => l.startsWith(':')).map((l: string) => l.slice(1).split(' ')[0]!);
    await restore(blockLab.nodeNs, cluster.state(), existing(blockLab), 7);
    await restore(oneLab.nodeNs, cluster.state(), [], Infinity);
    const [got, want] = [iptablesState(blockLab, blockLab.nodeNs), iptablesState(oneLab, oneLab.nodeNs)];
    assert.equal(got, want, lineDiff(want, got));
  });
});

describe('nftables partial syncs: netlink batches = nft -f', { skip: skip ?? noAddon }, () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const lab of labs.splice(0)) await lab.close();
  });

  /**
   * The same changes (endpoints added and moved, Services added and removed, affinity switched
   * on and off) through each path into its own namespace: `nft list table` must match exactly,
   * after every step (same creation order, so even the listing order agrees).
   */
  test('the same 40 partial syncs leave an identical `nft list table` either way', async () => {
    const [nftLab, netlinkLab] = [new Lab(), new Lab()];
    labs.push(nftLab, netlinkLab);
    nftLab.setUp();
    netlinkLab.setUp();
    const [viaNft, viaNetlink] = [makeBackend('nftables', nftLab.nodeNs), makeBackend('nftables-netlink', netlinkLab.nodeNs)];
    const [clusterA, clusterB] = [new ChangingCluster(), new ChangingCluster()];
    const list = (lab: Lab) => lab.exec(lab.nodeNs, 'nft', ['list', 'table', 'ip', 'kube-proxy']);
    await viaNft.sync({ state: clusterA.state(), node, changedServices: new Set(), full: true });
    await viaNetlink.sync({ state: clusterB.state(), node, changedServices: new Set(), full: true });
    let batches = 0;
    let sawSourceRangeSet = false;
    for (let step = 0; step < 40; step++) {
      const [keyA, keyB] = [clusterA.change(), clusterB.change()];
      await viaNft.sync({ state: clusterA.state(), node, changedServices: new Set([keyA]), full: false });
      const r = await viaNetlink.sync({ state: clusterB.state(), node, changedServices: new Set([keyB]), full: false });
      if (r.via === 'netlink') batches++;
      const [want, got] = [list(nftLab), list(netlinkLab)];
      assert.equal(got, want, `step ${step} (${keyB}):\n${lineDiff(want, got)}`);
      // A source-range set written by a partial sync (the fixture's own firewall rule has one range).
      if (/ip saddr != \{ 5\.6\.7\./.test(got)) sawSourceRangeSet = true;
    }
    assert.ok(batches >= 15, `${batches} syncs went as netlink batches`);
    assert.ok(sawSourceRangeSet, 'a firewall rule with a source-range set was applied');
  });
});
