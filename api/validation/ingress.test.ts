import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, object } from './test-support.js';

const ingress = (spec: Record<string, unknown>, annotations?: Record<string, string>) => {
  const o = object('networking.k8s.io/v1', 'Ingress', 'web', { spec });
  if (annotations) o.metadata.annotations = annotations;
  return o;
};
const svcBackend = (port: Record<string, unknown> = { number: 80 }, name = 'web') => ({ service: { name, port } });
const rule = (host: string | undefined, paths: Record<string, unknown>[]) => ({ ...(host ? { host } : {}), http: { paths } });
const path = (p: Record<string, unknown>) => ({ path: '/', pathType: 'Prefix', backend: svcBackend(), ...p });

const subdomain =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const wildcard =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const cases: { name: string; ing: ReturnType<typeof ingress>; want: string[] }[] = [
  { name: 'valid', ing: ingress({ rules: [rule('foo.bar.com', [path({})])] }), want: [] },
  { name: 'defaultBackend only', ing: ingress({ defaultBackend: svcBackend() }), want: [] },
  { name: 'neither rules nor defaultBackend', ing: ingress({}), want: ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified'] },
  { name: 'wildcard host', ing: ingress({ rules: [rule('*.foo.com', [path({})])] }), want: [] },
  { name: 'wildcard covers one label only', ing: ingress({ rules: [rule('*.*.foo.com', [path({})])] }), want: [`spec.rules[0].host: Invalid value: "*.*.foo.com": ${wildcard}`] },
  { name: 'IP host', ing: ingress({ rules: [rule('10.0.0.1', [path({})])] }), want: ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'] },
  { name: 'host format', ing: ingress({ rules: [rule('Foo.com', [path({})])] }), want: [`spec.rules[0].host: Invalid value: "Foo.com": ${subdomain}`] },
  { name: 'pathType required', ing: ingress({ rules: [rule(undefined, [{ path: '/', backend: svcBackend() }])] }), want: ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified'] },
  {
    name: 'pathType values',
    ing: ingress({ rules: [rule(undefined, [path({ pathType: 'Regex' })])] }),
    want: ['spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"'],
  },
  {
    name: 'Prefix path must be absolute and clean',
    ing: ingress({ rules: [rule(undefined, [path({ path: 'foo' }), path({ path: '/a//b/.' })])] }),
    want: [
      'spec.rules[0].http.paths[0].path: Invalid value: "foo": must be an absolute path',
      "spec.rules[0].http.paths[1].path: Invalid value: \"/a//b/.\": must not contain '//'",
      "spec.rules[0].http.paths[1].path: Invalid value: \"/a//b/.\": cannot end with '/.'",
    ],
  },
  { name: 'ImplementationSpecific may omit the path', ing: ingress({ rules: [rule(undefined, [{ pathType: 'ImplementationSpecific', backend: svcBackend() }])] }), want: [] },
  {
    name: 'backend needs service or resource, not both',
    ing: ingress({ rules: [rule(undefined, [path({ backend: {} }), path({ backend: { ...svcBackend(), resource: { kind: 'Bucket', name: 'b' } } })])] }),
    want: [
      'spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required',
      'spec.rules[0].http.paths[1].backend: Invalid value: "": cannot set both resource and service backends',
    ],
  },
  {
    name: 'service port',
    ing: ingress({ rules: [rule(undefined, [path({ backend: svcBackend({}) }), path({ backend: svcBackend({ name: 'http', number: 80 }) }), path({ backend: svcBackend({ number: 0x10000 }) })])] }),
    want: [
      'spec.rules[0].http.paths[0].backend: Required value: port name or number is required',
      'spec.rules[0].http.paths[1].backend: Invalid value: "": cannot set both port name & port number',
      'spec.rules[0].http.paths[2].backend.service.port.number: Invalid value: 65536: must be between 1 and 65535, inclusive',
    ],
  },
  {
    name: 'tls hosts and ingressClassName',
    ing: ingress({ defaultBackend: svcBackend(), tls: [{ hosts: ['ok.com', 'Bad.com'], secretName: 'tls' }], ingressClassName: 'Nginx' }),
    want: [`spec.tls[0].hosts[1]: Invalid value: "Bad.com": ${subdomain}`, `spec.ingressClassName: Invalid value: "Nginx": ${subdomain}`],
  },
  { name: 'class annotation and field naming the same class', ing: ingress({ defaultBackend: svcBackend(), ingressClassName: 'nginx' }, { 'kubernetes.io/ingress.class': 'nginx' }), want: [] },
  {
    name: 'class annotation and field disagreeing',
    ing: ingress({ defaultBackend: svcBackend(), ingressClassName: 'nginx' }, { 'kubernetes.io/ingress.class': 'alb' }),
    want: ['annotations.kubernetes.io/ingress.class: Invalid value: "alb": must match `ingressClassName` when both are specified'],
  },
];

for (const c of cases) test(`Ingress: ${c.name}`, () => assert.deepEqual(errorsOf(c.ing), c.want));

const ingressClass = (spec: Record<string, unknown>) => object('networking.k8s.io/v1', 'IngressClass', 'nginx', { spec });

test('IngressClass: controller required and domain-prefixed', () => {
  assert.deepEqual(errorsOf(ingressClass({ controller: 'k8s.io/ingress-nginx' })), []);
  assert.deepEqual(errorsOf(ingressClass({})), ['spec.controller: Required value']);
  assert.deepEqual(errorsOf(ingressClass({ controller: 'nginx' })), ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']);
});

test('IngressClass: parameters scope', () => {
  assert.deepEqual(errorsOf(ingressClass({ controller: 'k8s.io/x', parameters: { kind: 'Cfg', name: 'c' } })), []);
  assert.deepEqual(errorsOf(ingressClass({ controller: 'k8s.io/x', parameters: { kind: 'Cfg', name: 'c', scope: 'Namespace' } })), [
    "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
  ]);
});

test('IngressClass: controller is immutable', () => {
  const old = ingressClass({ controller: 'k8s.io/a' });
  assert.deepEqual(errorsOf(ingressClass({ controller: 'k8s.io/b' }), old), ['spec.controller: Invalid value: "k8s.io/b": field is immutable']);
});
