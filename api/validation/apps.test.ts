import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, object } from './test-support.js';

const template = (labels: Record<string, string> | undefined, spec: Record<string, unknown> = {}) => ({
  metadata: labels ? { labels } : {},
  spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
});
const deployment = (spec: Record<string, unknown>, name = 'web') => object('apps/v1', 'Deployment', name, { spec });
const replicaSet = (spec: Record<string, unknown>) => object('apps/v1', 'ReplicaSet', 'web-1', { spec });
const sel = { matchLabels: { app: 'web' } };

const cases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'valid', spec: { selector: sel, template: template({ app: 'web' }) }, want: [] },
  {
    name: 'selector does not match template labels',
    spec: { selector: sel, template: template({ app: 'x' }) },
    want: ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`'],
  },
  {
    name: 'selector required',
    spec: { template: template({ app: 'web' }) },
    want: ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
  },
  {
    name: 'empty selector',
    spec: { selector: {}, template: template({ app: 'web' }) },
    want: ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment'],
  },
  { name: 'negative replicas', spec: { replicas: -1, selector: sel, template: template({ app: 'web' }) }, want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'] },
  {
    name: 'restartPolicy must be Always',
    spec: { selector: sel, template: template({ app: 'web' }, { restartPolicy: 'Never' }) },
    want: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
  },
  {
    name: 'strategy type',
    spec: { selector: sel, template: template({ app: 'web' }), strategy: { type: 'BlueGreen' } },
    want: ['spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"'],
  },
  {
    name: 'maxSurge and maxUnavailable both zero',
    spec: { selector: sel, template: template({ app: 'web' }), strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } },
    want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'],
  },
  {
    name: 'maxUnavailable over 100%',
    spec: { selector: sel, template: template({ app: 'web' }), strategy: { rollingUpdate: { maxUnavailable: '150%', maxSurge: 'x' } } },
    want: [
      "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"x\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    ],
  },
  {
    name: 'Recreate with rollingUpdate',
    spec: { selector: sel, template: template({ app: 'web' }), strategy: { type: 'Recreate', rollingUpdate: {} } },
    want: ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
  },
  {
    name: 'bad selector operator',
    spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Like', values: ['w'] }] }, template: template({ app: 'web' }) },
    want: [
      'spec.selector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator',
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Like", Values:[]string{"w"}}}}: invalid label selector',
    ],
  },
];

for (const c of cases) test(`Deployment: ${c.name}`, () => assert.deepEqual(errorsOf(deployment(c.spec)), c.want));

test('Deployment update: the selector is immutable in apps/v1', () => {
  const old = deployment({ selector: sel, template: template({ app: 'web', v: '1' }) });
  const changed = deployment({ selector: { matchLabels: { app: 'web', v: '1' } }, template: template({ app: 'web', v: '1' }) });
  assert.deepEqual(errorsOf(changed, old), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"1"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
  assert.deepEqual(errorsOf(deployment({ replicas: 3, selector: sel, template: template({ app: 'web', v: '1' }) }), old), []);
});

test('ReplicaSet: the same template rules', () => {
  assert.deepEqual(errorsOf(replicaSet({ selector: sel, template: template({ app: 'web' }) })), []);
  assert.deepEqual(errorsOf(replicaSet({ selector: sel, template: template({ app: 'api' }) })), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`',
  ]);
});

test('Deployment: template label errors are reported at spec.template.labels, as upstream does', () => {
  const d = deployment({ selector: sel, template: template({ app: 'web', 'a b': 'x' }) });
  const errs = errorsOf(d);
  assert.equal(errs.length, 1);
  assert.ok(errs[0].startsWith('spec.template.labels: Invalid value: "a b": name part must consist of'), errs[0]);
});

test('Deployment: an unconvertible selector skips template checks', () => {
  const d = deployment({ selector: { matchLabels: { 'a b': 'x' } }, template: template({ 'a b': 'x' }) });
  const errs = errorsOf(d);
  assert.equal(errs.length, 2);
  assert.ok(errs[0].startsWith('spec.selector.matchLabels: Invalid value: "a b"'));
  assert.equal(errs[1], 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a b":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: invalid label selector');
});
