import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rejection } from '../../testing/api-error.js';
import { labelSelectorFromSpec, parseLabelSelector } from './index.js';

test('a space between key and value is rejected with the apiserver text (reference §6.3)', () => {
  const err = rejection(() => parseLabelSelector('a b'));
  assert.equal(err.httpCode, 400);
  assert.equal(err.reason, 'BadRequest');
  assert.equal(err.message, "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
});

test('other parser messages', () => {
  assert.equal(rejection(() => parseLabelSelector('a=b c')).message, "found 'c', expected: ',' or 'end of string'");
  assert.equal(rejection(() => parseLabelSelector('a=b,')).message, "found '', expected: identifier after ','");
  assert.equal(rejection(() => parseLabelSelector('a in x')).message, "unable to parse requirement: found 'x' expected: '('");
  assert.equal(rejection(() => parseLabelSelector('=a')).message, "found '=', expected: !, identifier, or 'end of string'");
  assert.equal(rejection(() => parseLabelSelector('!=a')).message, "found '!=', expected: !, identifier, or 'end of string'");
  assert.equal(rejection(() => parseLabelSelector('a=(b)')).message, "unable to parse requirement: found '(', expected: identifier");
  assert.equal(rejection(() => parseLabelSelector('! =a')).message, "unable to parse requirement: found '=', expected: identifier");
  assert.equal(rejection(() => parseLabelSelector('a in (b c)')).message, "unable to parse requirement: found 'c', expected: ',' or ')'");
});

test('an invalid key names the <nil> path, as the parser validates it without one', () => {
  assert.equal(
    rejection(() => parseLabelSelector('-a=b')).message,
    'unable to parse requirement: <nil>: Invalid value: "-a": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
  );
  assert.match(rejection(() => parseLabelSelector('Example.com/a=b')).message, /^unable to parse requirement: <nil>: Invalid value: "Example.com\/a": prefix part a lowercase RFC 1123 subdomain/);
});

test('an invalid value names values[i][key]', () => {
  assert.match(rejection(() => parseLabelSelector('app=-x')).message, /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "-x": a valid label must be an empty string/);
  assert.equal(rejection(() => parseLabelSelector('n>x')).message, 'unable to parse requirement: values[0]: Invalid value: "x": for \'Gt\', \'Lt\' operators, the value must be an integer');
});

test('equality, inequality and prefixed keys', () => {
  const s = parseLabelSelector('kubernetes.io/service-name=nginx');
  assert.ok(s.matches({ 'kubernetes.io/service-name': 'nginx' }));
  assert.ok(!s.matches({ 'kubernetes.io/service-name': 'other' }));
  assert.ok(!s.matches(undefined));
  const ne = parseLabelSelector('tier!=fe');
  assert.ok(ne.matches({}));
  assert.ok(!ne.matches({ tier: 'fe' }));
  assert.ok(parseLabelSelector('a==b').matches({ a: 'b' }));
});

test('set based, existence, !key and comma as AND', () => {
  const s = parseLabelSelector('env in (prod, staging),tier notin (db),app,!legacy');
  assert.ok(s.matches({ env: 'prod', app: 'x' }));
  assert.ok(!s.matches({ env: 'dev', app: 'x' }));
  assert.ok(!s.matches({ env: 'prod', app: 'x', tier: 'db' }));
  assert.ok(!s.matches({ env: 'prod' }));
  assert.ok(!s.matches({ env: 'prod', app: 'x', legacy: '' }));
  assert.equal(s.toString(), 'app,env in (prod,staging),!legacy,tier notin (db)');
  assert.ok(parseLabelSelector('x in (in)').matches({ x: 'in' }));
});

test('> and < compare integers; the words gt/lt appear only in messages', () => {
  const s = parseLabelSelector('n>3,n<10');
  assert.ok(s.matches({ n: '5' }));
  assert.ok(!s.matches({ n: '3' }));
  assert.ok(!s.matches({ n: 'five' }));
  assert.equal(s.toString(), 'n>3,n<10');
  assert.equal(rejection(() => parseLabelSelector('n gt 3')).message, "unable to parse requirement: found 'gt', expected: in, notin, =, ==, !=, gt, lt");
});

test('the empty selector matches everything', () => {
  const s = parseLabelSelector('');
  assert.ok(s.empty);
  assert.ok(s.matches(undefined));
  assert.ok(!parseLabelSelector('a').empty);
});

test('selectors from specs: nil matches nothing, {} everything', () => {
  const nothing = labelSelectorFromSpec(undefined);
  assert.ok(!nothing.matches({ a: 'b' }));
  assert.ok(!nothing.empty);
  const everything = labelSelectorFromSpec({});
  assert.ok(everything.empty);
  assert.ok(everything.matches({}));
});

test('selectors from specs with matchLabels and matchExpressions', () => {
  const s = labelSelectorFromSpec({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['fe', 'be'] },
      { key: 'canary', operator: 'DoesNotExist' },
      { key: 'zone', operator: 'NotIn', values: ['b'] },
      { key: 'team', operator: 'Exists' },
    ],
  });
  assert.ok(s.matches({ app: 'web', tier: 'fe', team: 'x' }));
  assert.ok(!s.matches({ app: 'web', tier: 'fe', team: 'x', canary: 'y' }));
  assert.ok(!s.matches({ app: 'web', tier: 'db', team: 'x' }));
  assert.ok(!s.matches({ app: 'web', tier: 'fe', team: 'x', zone: 'b' }));
  assert.equal(s.toString(), 'app=web,!canary,team,tier in (be,fe),zone notin (b)');
});

test('invalid specs carry the upstream messages', () => {
  assert.equal(rejection(() => labelSelectorFromSpec({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).message, '"Gt" is not a valid label selector operator');
  assert.equal(
    rejection(() => labelSelectorFromSpec({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).message,
    "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
  );
  assert.match(rejection(() => labelSelectorFromSpec({ matchLabels: { 'a b': 'c' } })).message, /^key: Invalid value: "a b": name part must consist/);
});
