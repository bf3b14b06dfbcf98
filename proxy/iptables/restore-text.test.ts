import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRestoreText, parseRestoreText, ruleComment, tokenizeRule } from './restore-text.js';
import { readGolden } from '../testing/golden.js';

const lines = (...l: string[]) => l.join('\n') + '\n';

test('tokenizer keeps quoted comments together', () => {
  assert.deepEqual(tokenizeRule('-A X -m comment --comment "a b: c" -j Y'), ['-A', 'X', '-m', 'comment', '--comment', 'a b: c', '-j', 'Y']);
  assert.equal(ruleComment('-A X -m comment --comment ns1/svc1:p80 -j Y'), 'ns1/svc1:p80');
  assert.equal(ruleComment('-A X -m comment --comment "ns1/svc1:p80 cluster IP" -j Y'), 'ns1/svc1:p80 cluster IP');
  assert.equal(ruleComment('-A X -m comment --comment last'), 'last');
  assert.equal(ruleComment('-A X -j Y'), undefined);
});

// The next three cases are upstream's TestSortIPTablesRules cases, transcribed.
test('upstream sort case: same service name in different styles of comments', () => {
  const input = lines('*filter', 'COMMIT', '*nat', ':KUBE-SERVICES - [0:0]',
    '-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP" svc2 line 1',
    '-A KUBE-SERVICES -m comment --comment ns2/svc2 svc2 line 2',
    '-A KUBE-SERVICES -m comment --comment "ns2/svc2 blah" svc2 line 3',
    '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" svc1 line 1',
    '-A KUBE-SERVICES -m comment --comment ns1/svc1 svc1 line 2',
    '-A KUBE-SERVICES -m comment --comment "ns1/svc1 blah" svc1 line 3',
    '-A KUBE-SERVICES -m comment --comment ns4/svc4 svc4 line 1',
    '-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" svc4 line 2',
    '-A KUBE-SERVICES -m comment --comment "ns4/svc4 blah" svc4 line 3',
    '-A KUBE-SERVICES -m comment --comment "ns3/svc3:p80 cluster IP" svc3 line 1',
    '-A KUBE-SERVICES -m comment --comment "ns3/svc3 blah" svc3 line 2',
    '-A KUBE-SERVICES -m comment --comment ns3/svc3 svc3 line 3',
    'COMMIT');
  const output = lines('*filter', 'COMMIT', '*nat', ':KUBE-SERVICES - [0:0]',
    '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" svc1 line 1',
    '-A KUBE-SERVICES -m comment --comment ns1/svc1 svc1 line 2',
    '-A KUBE-SERVICES -m comment --comment "ns1/svc1 blah" svc1 line 3',
    '-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP" svc2 line 1',
    '-A KUBE-SERVICES -m comment --comment ns2/svc2 svc2 line 2',
    '-A KUBE-SERVICES -m comment --comment "ns2/svc2 blah" svc2 line 3',
    '-A KUBE-SERVICES -m comment --comment "ns3/svc3:p80 cluster IP" svc3 line 1',
    '-A KUBE-SERVICES -m comment --comment "ns3/svc3 blah" svc3 line 2',
    '-A KUBE-SERVICES -m comment --comment ns3/svc3 svc3 line 3',
    '-A KUBE-SERVICES -m comment --comment ns4/svc4 svc4 line 1',
    '-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" svc4 line 2',
    '-A KUBE-SERVICES -m comment --comment "ns4/svc4 blah" svc4 line 3',
    'COMMIT');
  assert.equal(normalizeRestoreText(input), output);
});

test('upstream sort case: unexpected junk lines are preserved', () => {
  const input = lines('*filter', 'COMMIT', '*nat', ':KUBE-SERVICES - [0:0]', ':KUBE-SEP-RS4RBKLTHTF2IUXJ - [0:0]', ':KUBE-AAAAA - [0:0]', ':KUBE-ZZZZZ - [0:0]', ':WHY-IS-THIS-CHAIN-HERE - [0:0]',
    '-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP" svc2 line 1',
    '-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80',
    '-A KUBE-ZZZZZ -m comment --comment "mystery chain number 1"',
    '-A KUBE-SERVICES -m comment --comment ns2/svc2 svc2 line 2',
    '-A WHY-IS-THIS-CHAIN-HERE -j ACCEPT',
    '-A KUBE-SERVICES -m comment --comment "ns2/svc2 blah" svc2 line 3',
    '-A KUBE-AAAAA -m comment --comment "mystery chain number 2"',
    'COMMIT');
  const output = lines('*filter', 'COMMIT', '*nat', ':KUBE-SERVICES - [0:0]', ':KUBE-AAAAA - [0:0]', ':KUBE-SEP-RS4RBKLTHTF2IUXJ - [0:0]', ':KUBE-ZZZZZ - [0:0]', ':WHY-IS-THIS-CHAIN-HERE - [0:0]',
    '-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP" svc2 line 1',
    '-A KUBE-SERVICES -m comment --comment ns2/svc2 svc2 line 2',
    '-A KUBE-SERVICES -m comment --comment "ns2/svc2 blah" svc2 line 3',
    '-A KUBE-AAAAA -m comment --comment "mystery chain number 2"',
    '-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80',
    '-A KUBE-ZZZZZ -m comment --comment "mystery chain number 1"',
    '-A WHY-IS-THIS-CHAIN-HERE -j ACCEPT',
    'COMMIT');
  assert.equal(normalizeRestoreText(input), output);
});

test('upstream sort case: tables are ordered by name', () => {
  const table = (name: string) => [`*${name}`, ':KUBE-SERVICES - [0:0]', ':KUBE-NODEPORTS - [0:0]', '-A KUBE-NODEPORTS -j ACCEPT', 'COMMIT'];
  const out = normalizeRestoreText(lines(...table('filter'), ...table('nat'), ...table('mangle')));
  assert.deepEqual(parseRestoreText(out).tables.map((t) => t.name), ['filter', 'mangle', 'nat']);
  assert.ok(out.startsWith('*filter\n:KUBE-NODEPORTS - [0:0]\n:KUBE-SERVICES - [0:0]\n'));
});

test('normalising the §2.5 emission order gives kube-proxy nat rules grouped by chain', () => {
  const out = normalizeRestoreText(readGolden('upstream-iptables-host-single-clusterip'));
  const nat = out.slice(out.indexOf('*nat'));
  assert.match(nat, /:KUBE-NODEPORTS - \[0:0\]\n:KUBE-SERVICES - \[0:0\]\n:KUBE-MARK-MASQ/);
  assert.match(nat, /-A KUBE-SERVICES .*cluster IP.*\n-A KUBE-SERVICES .*must be the last rule.*\n-A KUBE-MARK-MASQ/);
});

test('malformed input is refused with the offending line', () => {
  assert.throws(() => parseRestoreText('-A X -j Y\n'), /outside a table/);
  assert.throws(() => parseRestoreText('*nat\n-A X\n'), /no COMMIT/);
  assert.throws(() => parseRestoreText('*nat\n-F X\nCOMMIT\n'), /unsupported line "-F X"/);
  // Positional edits (partial syncs) are kept as they are.
  assert.deepEqual(parseRestoreText('*nat\n-D X 2\n-I X 1 -j Y\nCOMMIT\n').tables[0]!.edits, ['-D X 2', '-I X 1 -j Y']);
});
