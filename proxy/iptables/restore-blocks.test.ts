import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitRestoreInput } from './restore-blocks.js';

const lines = (...l: string[]) => l.join('\n') + '\n';

test('a small table stays one block, its chains declared in descending order', () => {
  const input = lines('*nat', ':A - [0:0]', ':B - [0:0]', ':C - [0:0]', '-A A -j B', '-A B -j RETURN', '-X C', 'COMMIT');
  assert.equal(splitRestoreInput(input, 10), lines('*nat', ':C - [0:0]', ':B - [0:0]', ':A - [0:0]', '-A A -j B', '-A B -j RETURN', '-X C', 'COMMIT'));
});

/** The blocks of one table: each block's declared chains and rules. */
function blocksOf(text: string): Array<{ chains: string[]; rules: string[]; other: string[] }> {
  const blocks: Array<{ chains: string[]; rules: string[]; other: string[] }> = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) blocks.push({ chains: [], rules: [], other: [] });
    else if (line.startsWith(':')) blocks.at(-1)!.chains.push(line.slice(1).split(' ')[0]!);
    else if (line.startsWith('-A ')) blocks.at(-1)!.rules.push(line);
    else if (line && line !== 'COMMIT') blocks.at(-1)!.other.push(line);
  }
  return blocks;
}

test('a large table is cut into blocks that only jump to chains of earlier blocks or their own', () => {
  // Dispatch → 3 services (SVC → 2 SEPs each), plus a stale chain.
  const input = [
    '*nat',
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-MARK-MASQ - [0:0]',
    ...[1, 2, 3].flatMap((s) => [`:KUBE-SVC-${s} - [0:0]`, `:KUBE-SEP-${s}a - [0:0]`, `:KUBE-SEP-${s}b - [0:0]`]),
    ':KUBE-SEP-OLD - [0:0]',
    ...[1, 2, 3].map((s) => `-A KUBE-SERVICES -m comment --comment "ns/s${s} -j x" -d 10.0.0.${s} -j KUBE-SVC-${s}`),
    '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
    ...[1, 2, 3].flatMap((s) => [`-A KUBE-SVC-${s} -m statistic --mode random --probability 0.5 -j KUBE-SEP-${s}a`, `-A KUBE-SVC-${s} -j KUBE-SEP-${s}b`]),
    ...[1, 2, 3].flatMap((s) => ['a', 'b'].flatMap((e) => [`-A KUBE-SEP-${s}${e} -s 10.1.${s}.1 -j KUBE-MARK-MASQ`, `-A KUBE-SEP-${s}${e} -p tcp -j DNAT --to-destination 10.1.${s}.1:80`])),
    '-X KUBE-SEP-OLD',
    'COMMIT',
    '',
  ].join('\n');
  const out = splitRestoreInput(input, 4);
  const blocks = blocksOf(out);
  assert.ok(blocks.length > 3, `${blocks.length} blocks`);
  // Every rule once, each chain's rules in their original order.
  const rulesIn = (text: string) => text.split('\n').filter((l) => l.startsWith('-A '));
  assert.deepEqual([...rulesIn(out)].sort(), [...rulesIn(input)].sort());
  for (const chain of ['KUBE-SERVICES', 'KUBE-SVC-2']) assert.deepEqual(rulesIn(out).filter((l) => l.startsWith(`-A ${chain} `)), rulesIn(input).filter((l) => l.startsWith(`-A ${chain} `)));
  // Each chain is declared in the block that writes its rules, after the blocks of its jump targets.
  const blockOf = new Map(blocks.flatMap((b, i) => b.chains.map((c) => [c, i] as const)));
  blocks.forEach((b, i) => {
    for (const rule of b.rules) {
      const [, chain] = rule.split(' ');
      assert.equal(blockOf.get(chain!), i, rule);
      const target = / -j (KUBE-\S+)$/.exec(rule)?.[1];
      if (target) assert.ok(blockOf.get(target)! <= i, `${rule} jumps to a later block`);
    }
  });
  // The stale chain is flushed and deleted only in the last block, with the dispatch chain.
  const last = blocks.at(-1)!;
  assert.deepEqual(last.other, ['-X KUBE-SEP-OLD']);
  assert.ok(last.chains.includes('KUBE-SEP-OLD') && last.chains.includes('KUBE-SERVICES'));
});

test('a partial sync with positional edits is never cut', () => {
  const input = lines('*nat', ':KUBE-SVC-1 - [0:0]', '-A KUBE-SVC-1 -j A', '-A KUBE-SVC-1 -j B', '-A KUBE-SVC-1 -j C', '-I KUBE-SERVICES 3 -d 10.0.0.1 -j KUBE-SVC-1', 'COMMIT');
  assert.equal(splitRestoreInput(input, 1), input);
});

test('a table of a 10,000-Service size goes through (more lines than a call takes arguments)', () => {
  const chains = Array.from({ length: 100_000 }, (_, i) => `KUBE-SEP-${i}`);
  const input = ['*nat', ...chains.map((c) => `:${c} - [0:0]`), ...chains.flatMap((c) => [`-A ${c} -j KUBE-MARK-MASQ`, `-A ${c} -j DNAT --to-destination 10.1.0.1:80`]), 'COMMIT', ''].join('\n');
  for (const max of [Infinity, 5000]) {
    const out = splitRestoreInput(input, max);
    assert.equal(out.split('\n').filter((l) => l.startsWith('-A ')).length, 200_000);
  }
});
