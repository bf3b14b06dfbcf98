import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingRunner } from './runner.js';
import { applyIptablesRestore, cleanupIptables, ensureIptablesJumps, renderChainDeletion } from './iptables.js';
import { applyNftables, NftablesObjectTracker } from './nftables.js';
import { computeStaleUdpDeletions, deleteConntrackEntries } from './conntrack.js';
import { ApplyError } from './apply-error.js';
import type { Endpoint, ProxyState, ServicePortInfo } from '../model.js';

test('iptables-restore gets the whole input once, with kube-proxy flags', async () => {
  const runner = new RecordingRunner();
  await applyIptablesRestore(runner, '*nat\nCOMMIT\n');
  assert.deepEqual(runner.commands, [{ cmd: 'iptables-restore', args: ['-w', '5', '-W', '100000', '--noflush', '--counters'], stdin: '*nat\nCOMMIT\n' }]);
});

test('chains are declared in descending order (iptables-nft inserts into a sorted list)', async () => {
  const runner = new RecordingRunner();
  await applyIptablesRestore(runner, '*filter\n:A - [0:0]\n:B - [0:0]\n-A A -j B\nCOMMIT\n*nat\n:C - [0:0]\n:D - [0:0]\n:E - [0:0]\n-X E\nCOMMIT\n');
  assert.equal(runner.commands[0]!.stdin, '*filter\n:B - [0:0]\n:A - [0:0]\n-A A -j B\nCOMMIT\n*nat\n:E - [0:0]\n:D - [0:0]\n:C - [0:0]\n-X E\nCOMMIT\n');
});

test('a restore failure names the failing line with 3 lines of context', async () => {
  const input = ['*nat', ':A - [0:0]', '-A A -j RETURN', '-A A -m foo', '-A A -j RETURN', 'COMMIT', ''].join('\n');
  const runner = new RecordingRunner(() => ({ code: 2, stderr: "iptables-restore v1.8.9 (nf_tables): Couldn't load match `foo'\n\nError occurred at line: 4\n" }));
  await assert.rejects(applyIptablesRestore(runner, input), (err: ApplyError) => {
    assert.equal(err.code, 'ApplyFailed');
    assert.match(err.excerpt, /^>\s+4 {2}-A A -m foo$/m);
    assert.match(err.excerpt, /^ \s+1 {2}\*nat$/m);
    return true;
  });
});

test('jump rules are checked with -C and prepended with -I only when missing', async () => {
  const runner = new RecordingRunner((c) => ({ code: c.args.includes('-C') && c.args.includes('POSTROUTING') ? 1 : c.args.includes('-N') ? 1 : 0, stderr: c.args.includes('-N') ? 'iptables: Chain already exists.' : '' }));
  await ensureIptablesJumps(runner, { localnetFirewall: false });
  const inserts = runner.commands.filter((c) => c.args.includes('-I'));
  assert.deepEqual(inserts.map((c) => c.args.join(' ')), ['-w 5 -W 100000 -I POSTROUTING -t nat -m comment --comment kubernetes postrouting rules -j KUBE-POSTROUTING']);
  assert.ok(runner.commands.filter((c) => c.args.includes('-N')).length >= 5);
});

test('cleanup deletes the jumps, then flushes and deletes the chains in one restore per table', async () => {
  const runner = new RecordingRunner((c) => {
    if (c.cmd === 'iptables-save') return { stdout: c.args[1] === 'nat' ? '*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-AAAA - [0:0]\n:OTHER - [0:0]\nCOMMIT\n' : '*x\nCOMMIT\n' };
    return { code: c.args.includes('-D') ? 1 : 0 };
  });
  const { removedChains } = await cleanupIptables(runner);
  assert.equal(removedChains, 2);
  const restore = runner.commands.find((c) => c.cmd === 'iptables-restore')!;
  assert.equal(restore.stdin, renderChainDeletion('nat', ['KUBE-SERVICES', 'KUBE-SVC-AAAA']));
  assert.equal(restore.stdin, '*nat\n:KUBE-SVC-AAAA - [0:0]\n:KUBE-SERVICES - [0:0]\n-X KUBE-SVC-AAAA\n-X KUBE-SERVICES\nCOMMIT\n');
});

test('many chains are deleted in blocks: all flushed first, then all deleted', () => {
  const text = renderChainDeletion('nat', ['A', 'B', 'C'], 2);
  assert.equal(text, '*nat\n:C - [0:0]\n:B - [0:0]\nCOMMIT\n*nat\n:A - [0:0]\nCOMMIT\n*nat\n-X C\n-X B\nCOMMIT\n*nat\n-X A\nCOMMIT\n');
});

test('nft gets one transaction on stdin; errors carry the failing line', async () => {
  const runner = new RecordingRunner(() => ({ code: 1, stderr: '/dev/stdin:2:26-30: Error: No symbol type information\n' }));
  await assert.rejects(applyNftables(runner, 'add table ip kube-proxy\nadd rule ip kube-proxy a bogus\n'), (err: ApplyError) => /> +2 {2}add rule/.test(err.excerpt));
  assert.deepEqual(runner.commands[0]!.args, ['-f', '-']);
});

test('stale nftables chains are flushed by one sync and deleted by the next, unless brought back', () => {
  const t = new NftablesObjectTracker();
  const [a, b, c] = ['service-AAAAAAAA-ns/a/tcp/p', 'service-BBBBBBBB-ns/b/tcp/p', 'endpoint-CCCCCCCC-ns/b/tcp/p__10.0.0.1/80'];
  t.commitFull({ chains: new Set([a, b, c]), sets: new Set() }, []);
  assert.deepEqual(t.existingChains().sort(), [c, a, b].sort());
  // b and c are gone: the partial sync flushes them; nothing is deleted yet.
  assert.deepEqual(t.deletableChains(() => false), []);
  t.commitPartial({ addedChains: [], staleChains: [b, c], addedSets: [], deletedSets: [] }, []);
  assert.ok(t.hasFlushedStale());
  // The next sync brings c back and deletes only b.
  const deletable = t.deletableChains((chain) => chain === c);
  assert.deepEqual(deletable, [b]);
  assert.equal(t.deletionText(deletable), `delete chain ip kube-proxy ${b}\n`);
  t.commitPartial({ addedChains: [c], staleChains: [], addedSets: [], deletedSets: [] }, deletable);
  assert.deepEqual(t.existingChains().sort(), [a, c].sort());
  assert.equal(t.hasFlushedStale(), false);
});

function udpService(over: Partial<ServicePortInfo> = {}): ServicePortInfo {
  return {
    namespace: 'kube-system', name: 'kube-dns', portName: 'dns', protocol: 'UDP', clusterIP: '10.96.0.10', port: 53, nodePort: 0,
    loadBalancerVIPs: [], externalIPs: [], loadBalancerSourceRanges: [], sessionAffinity: 'None', stickyMaxAgeSeconds: 0,
    externalPolicyLocal: false, internalPolicyLocal: false, healthCheckNodePort: 0, topologyAware: false, ...over,
  };
}

function ep(ip: string): Endpoint {
  return { ip, port: 53, ready: true, serving: true, terminating: false, nodeName: 'n', zone: '', zoneHints: [], isLocal: true };
}

function state(service: ServicePortInfo | undefined, ips: string[]): ProxyState {
  return { ipFamily: 4, servicePorts: service ? [{ service, endpoints: ips.map(ep) }] : [] };
}

test('stale UDP conntrack entries: removed endpoint, first endpoint, deleted service', () => {
  const svc = udpService({ nodePort: 30053 });
  assert.deepEqual(computeStaleUdpDeletions(state(svc, ['10.244.1.5', '10.244.1.6']), state(svc, ['10.244.1.6'])), [
    ['-D', '--orig-dst', '10.96.0.10', '--dst-nat', '10.244.1.5', '-p', 'udp'],
    ['-D', '-p', 'udp', '--dport', '30053', '--dst-nat', '10.244.1.5'],
  ]);
  assert.deepEqual(computeStaleUdpDeletions(state(svc, []), state(svc, ['10.244.1.6'])), [
    ['-D', '--orig-dst', '10.96.0.10', '-p', 'udp'],
    ['-D', '-p', 'udp', '--dport', '30053'],
  ]);
  assert.deepEqual(computeStaleUdpDeletions(state(svc, ['10.244.1.6']), state(undefined, [])), [['-D', '--orig-dst', '10.96.0.10', '-p', 'udp']]);
  const tcp = udpService({ protocol: 'TCP' });
  assert.deepEqual(computeStaleUdpDeletions(state(tcp, ['10.244.1.5']), state(tcp, [])), []);
});

test('"0 flow entries" from conntrack is not an error', async () => {
  const runner = new RecordingRunner(() => ({ code: 1, stderr: 'conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.\n' }));
  assert.deepEqual(await deleteConntrackEntries(runner, [['-D', '--orig-dst', '10.96.0.10', '-p', 'udp']]), []);
});
