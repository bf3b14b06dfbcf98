import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLabels, formatLabelSelector, labelSelectorString, type LabelSelector } from './selector.js';

test('formatLabelSelector renders matchLabels and expressions sorted by key', () => {
  const cases: [LabelSelector | null | undefined, string][] = [
    [undefined, '<none>'],
    [null, '<none>'],
    [{}, '<none>'],
    [{ matchLabels: { app: 'web' } }, 'app=web'],
    [{ matchLabels: { tier: 'db', app: 'web' } }, 'app=web,tier=db'],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, 'app=web,tier in (a,b)'],
    // apimachinery's own example: values sorted, requirements sorted by key
    [{ matchLabels: { foo: 'bar' }, matchExpressions: [{ key: 'baz', operator: 'In', values: ['qux', 'norf'] }] }, 'baz in (norf,qux),foo=bar'],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['test', 'dev'] }] }, 'env notin (dev,test)'],
    [{ matchExpressions: [{ key: 'env', operator: 'Exists' }, { key: 'canary', operator: 'DoesNotExist' }] }, '!canary,env'],
    [{ matchLabels: { 'app.kubernetes.io/name': 'web' } }, 'app.kubernetes.io/name=web'],
    // same key in both: the matchLabels requirement stays first
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'app', operator: 'Exists' }] }, 'app=web,app'],
  ];
  for (const [sel, want] of cases) assert.equal(formatLabelSelector(sel), want, JSON.stringify(sel));
});

test('formatLabelSelector marks selectors upstream cannot convert as <error>', () => {
  const bad: LabelSelector[] = [
    { matchExpressions: [{ key: 'env', operator: 'Equals', values: ['x'] }] },
    { matchExpressions: [{ key: 'env', operator: 'constructor', values: ['x'] }] },
    { matchExpressions: [{ key: 'env', operator: 'In', values: [] }] },
    { matchExpressions: [{ key: 'env', operator: 'Exists', values: ['x'] }] },
    { matchLabels: { 'bad key': 'x' } },
    { matchLabels: { '/name': 'x' } },
    { matchLabels: { 'a/b/c': 'x' } },
    { matchLabels: { app: 'not a value' } },
    { matchLabels: { app: 'x'.repeat(64) } },
  ];
  for (const sel of bad) assert.equal(formatLabelSelector(sel), '<error>', JSON.stringify(sel));
});

test('labelSelectorString: empty text for empty selectors, undefined for invalid ones', () => {
  assert.equal(labelSelectorString(undefined), '');
  assert.equal(labelSelectorString({}), '');
  assert.equal(labelSelectorString({ matchLabels: { app: 'nginx' } }), 'app=nginx');
  assert.equal(labelSelectorString({ matchLabels: { app: 'a b' } }), undefined);
  assert.equal(labelSelectorString({ matchLabels: 'app=web' } as unknown as LabelSelector), undefined);
});

test('formatLabels sorts pairs and prints <none> when empty', () => {
  assert.equal(formatLabels({ run: 'nginx', app: 'web' }), 'app=web,run=nginx');
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabels(undefined), '<none>');
});
