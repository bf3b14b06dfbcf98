import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NftRuleset } from './ruleset.js';

const p = 'ip kube-proxy';

test('a transaction referring to a missing chain or set is refused as a whole', () => {
  const ruleset = new NftRuleset();
  ruleset.apply(`add table ${p} { comment "x" ; }\nadd chain ${p} a\n`);
  assert.throws(() => ruleset.apply(`add chain ${p} b\nadd rule ${p} a goto missing\n`), /no chain missing/);
  assert.throws(() => ruleset.apply(`add rule ${p} a ip daddr @nope drop\n`), /no set nope/);
  assert.throws(() => ruleset.apply(`add element ${p} nope { 1.2.3.4 }\n`), /no set nope/);
  assert.ok(!ruleset.dump().includes(' b'), 'the failed transaction left nothing behind');
});

test('elements with comments and verdicts round-trip through the dump', () => {
  const ruleset = new NftRuleset();
  ruleset.apply([
    `add map ${p} m { type ipv4_addr . inet_proto . inet_service : verdict ; }`,
    `add chain ${p} reject-chain`,
    `add element ${p} m { 10.0.0.1 . tcp . 80 comment "ns/s:p" : goto reject-chain }`,
    `add element ${p} m { 10.0.0.2 . tcp . 80 : drop }`,
    '',
  ].join('\n'));
  const m = ruleset.set('m');
  assert.deepEqual(m.elements.get('10.0.0.1 . tcp . 80'), { key: '10.0.0.1 . tcp . 80', comment: 'ns/s:p', value: 'goto reject-chain' });
  assert.ok(ruleset.dump().includes(`add element ${p} m { 10.0.0.2 . tcp . 80 : drop }`));
  ruleset.apply(`flush map ${p} m\n`);
  assert.equal(ruleset.set('m').elements.size, 0);
});

test('redefining a set with other properties fails, as nft does', () => {
  const ruleset = new NftRuleset();
  ruleset.apply(`add set ${p} s { type ipv4_addr ; }\n`);
  assert.throws(() => ruleset.apply(`add set ${p} s { type ipv4_addr ; flags timeout ; }\n`), /redefined/);
});
