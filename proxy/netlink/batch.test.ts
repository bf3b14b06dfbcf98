/**
 * The netlink encoder against nft itself. Unit part: forms it must refuse (the transaction then
 * goes to nft whole) and error mapping. Kernel part (root): every rule svcnet renders for
 * per-Service chains is encoded and compared, expression by expression, with what
 * `nft --debug=netlink -c` builds for the same text in a namespace holding the table.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTransaction, elementKey } from './batch.js';
import { UnsupportedNft } from './rule-parser.js';
import { renderNftablesSync } from '../nftables/render.js';
import type { NftablesRenderConfig } from '../nftables/config.js';
import { buildProxyState } from '../from-api.js';
import { makeService, makeSlice, overallState, loadBalancerState, localPolicyState, noEndpointsState, testNodeIP, testNodeName } from '../testing/fixtures.js';
import { Lab } from '../runtime/testing/lab.js';
import { applyNftables } from '../apply/nftables.js';
import { ApplyError } from '../apply/apply-error.js';
import { RecordingRunner } from '../apply/runner.js';
import type { ProxyState } from '../model.js';

function unsupportedForm(text: string): string | undefined {
  try {
    encodeTransaction(text);
    return undefined;
  } catch (err) {
    if (err instanceof UnsupportedNft) return err.form;
    throw err;
  }
}

describe('netlink encoder: what it refuses', () => {
  test('touching source ranges, ip6, base chains and table lines go to nft', () => {
    assert.equal(unsupportedForm('add rule ip kube-proxy firewall-X ip saddr != { 203.0.113.0/25 } drop\n'), undefined);
    assert.equal(unsupportedForm('add rule ip kube-proxy firewall-X ip saddr != { 203.0.113.0/25 , 203.0.113.128 } drop\n'), 'overlapping or adjacent ranges in an anonymous set');
    assert.equal(unsupportedForm('add rule ip kube-proxy firewall-X ip daddr { 10.0.0.0/8 , 1.2.3.4 } drop\n'), 'ip daddr { set }');
    assert.equal(unsupportedForm('add rule ip6 kube-proxy c ip6 saddr ::1 drop\n'), 'family ip6');
    assert.equal(unsupportedForm('add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }\n'), 'add chain with a spec');
    assert.match(unsupportedForm('add table ip kube-proxy { comment "rules for kube-proxy" ; }\n') ?? '', /^line "add table/);
    assert.equal(unsupportedForm('add rule ip kube-proxy c jump x ip saddr 1.2.3.4\n'), 'statement after a verdict');
    assert.match(unsupportedForm('flush map ip kube-proxy service-ips\n') ?? '', /flush map/);
  });

  test('concatenated element keys pad every field to 32 bits', () => {
    assert.equal(elementKey('172.30.0.99 . udp . 53').toString('hex'), 'ac1e0063' + '11000000' + '00350000');
    assert.equal(elementKey('tcp . 3001').toString('hex'), '06000000' + '0bb90000');
    assert.throws(() => elementKey('tcp'), UnsupportedNft);
  });

  test('a kernel error names the transaction line of the failing message', async () => {
    const runner = Object.assign(new RecordingRunner(), { sendNftBatch: () => [{ seq: 2, errno: 2, message: 'No such file or directory' }] });
    const text = 'add chain ip kube-proxy a/b\nadd rule ip kube-proxy a/b goto missing\n';
    await assert.rejects(applyNftables(runner, text, { netlink: true }), (err: ApplyError) => /> +2 {2}add rule/.test(err.excerpt) && /No such file/.test(err.stderr));
    assert.equal(runner.commands.length, 0, 'nft was not run');
  });

  test('a batch that cannot be sent (socket, namespace) goes to nft', async () => {
    const runner = Object.assign(new RecordingRunner(), {
      sendNftBatch: () => {
        throw new Error('cannot enter network namespace gone: No such file or directory');
      },
    });
    assert.equal(await applyNftables(runner, 'add chain ip kube-proxy a/b\n', { netlink: true }), 'nft');
    assert.equal(runner.commands.length, 1);
  });

  test('an unsupported transaction is piped to nft whole', async () => {
    let sent = 0;
    const runner = Object.assign(new RecordingRunner(), { sendNftBatch: () => (sent++, []) });
    const via = await applyNftables(runner, 'add chain ip kube-proxy a/b\nadd rule ip kube-proxy a/b ip saddr != { 1.2.3.0/24 , 1.2.4.0/24 } drop\n', { netlink: true });
    assert.equal(via, 'nft');
    assert.equal(sent, 0);
    assert.equal(runner.commands[0]?.stdin?.split('\n').length, 3);
  });
});

/** UDP, SCTP and session affinity besides the upstream fixtures. */
function protocolsState(): ProxyState {
  const eps = [{ ip: '10.180.3.1', nodeName: testNodeName }, { ip: '10.180.3.2' }];
  return buildProxyState(
    [
      makeService('nsu', 'dns', { clusterIP: '172.30.1.1', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
      makeService('nss', 'sig', { type: 'NodePort', clusterIP: '172.30.1.2', ports: [{ name: 's', port: 3868, protocol: 'SCTP', nodePort: 31000 }] }),
      makeService('nsa', 'sticky', { clusterIP: '172.30.1.3', sessionAffinity: 'ClientIP', ports: [{ name: 'p80', port: 80, protocol: 'TCP' }] }),
    ],
    [
      makeSlice('nsu', 'dns', 'dns-1', eps, [{ name: 'dns', port: 5353, protocol: 'UDP' }]),
      makeSlice('nss', 'sig', 'sig-1', eps, [{ name: 's', port: 3868, protocol: 'SCTP' }]),
      makeSlice('nsa', 'sticky', 'sticky-1', eps, [{ name: 'p80', port: 8080 }]),
    ],
    { ipFamily: 4, nodeName: testNodeName },
  );
}

const cases: Array<{ name: string; state: () => ProxyState; config: NftablesRenderConfig }> = [
  { name: 'overall', state: overallState, config: { nodeIPs: [testNodeIP], clusterCIDR: '10.0.0.0/8', serviceCIDRs: ['172.30.0.0/16'] } },
  { name: 'overall, /12 pod CIDR', state: overallState, config: { nodeIPs: [testNodeIP], clusterCIDR: '10.16.0.0/12' } },
  { name: 'masquerade-all, no CIDR', state: overallState, config: { nodeIPs: [testNodeIP], masqueradeAll: true } },
  { name: 'load balancer', state: loadBalancerState, config: { nodeIPs: [testNodeIP], clusterCIDR: '10.0.0.0/8' } },
  { name: 'no endpoints', state: noEndpointsState, config: { nodeIPs: [testNodeIP], clusterCIDR: '10.0.0.0/8' } },
  { name: 'local policy', state: localPolicyState, config: { nodeIPs: [testNodeIP], clusterCIDR: '10.0.0.0/8' } },
  { name: 'udp, sctp, affinity', state: protocolsState, config: { nodeIPs: [testNodeIP], clusterCIDR: '10.244.0.0/16' } },
];

/** `nft --debug=netlink` output → one block per rule: "ip TABLE CHAIN" and its "  [ … ]" lines. */
function nftRuleBlocks(output: string): string[] {
  const blocks: string[] = [];
  for (const line of output.split('\n')) {
    if (/^ip kube-proxy [^@\s]\S*$/.test(line)) blocks.push(line);
    else if (line.startsWith('  [ ') && blocks.length) blocks[blocks.length - 1] += '\n' + line;
  }
  return blocks;
}

describe('netlink encoder = nft --debug=netlink', { skip: Lab.canRun() }, () => {
  const lab = new Lab();
  const ns = lab.nodeNs;
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-nl-'));
  before(() => lab.setUp());
  after(async () => {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const c of cases) {
    test(`every per-Service line: ${c.name}`, () => {
      const sync = renderNftablesSync(c.state(), c.config);
      const full = join(dir, 'full.nft');
      writeFileSync(full, sync.text);
      lab.exec(ns, 'nft', ['-f', full]);
      // What a partial sync adding every Service would send, minus the lines the encoder leaves to nft.
      const lines = [...sync.applied.fragments.values()].flatMap((f) => f.lines);
      const refused = new Set<string>();
      const kept = lines.filter((l) => {
        const form = unsupportedForm(l + '\n');
        if (form) refused.add(form);
        return !form;
      });
      assert.deepEqual([...refused], [], 'every per-Service line is encoded');
      const partial = join(dir, 'partial.nft');
      writeFileSync(partial, kept.join('\n') + '\n');
      const expected = nftRuleBlocks(lab.exec(ns, 'nft', ['--debug=netlink', '-c', '-f', partial]));
      const got = encodeTransaction(kept.join('\n') + '\n').debugRules;
      assert.deepEqual(got, expected);
    });
  }
});
