import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingressClassPrinter, ingressPrinter } from './ingress.js';
import { kube, row } from './testing.js';

const rule = (host?: string) => ({ ...(host ? { host } : {}), http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } });

test('ingress columns match the upstream printer', () => {
  assert.deepEqual(ingressPrinter.columns.map((c) => [c.name, c.priority]), [
    ['Name', 0],
    ['Class', 0],
    ['Hosts', 0],
    ['Address', 0],
    ['Ports', 0],
    ['Age', 0],
  ]);
});

test('ingress rows', () => {
  const cases: [string, Record<string, unknown>, unknown[]][] = [
    [
      'TLS ingress with an address',
      {
        spec: { ingressClassName: 'nginx', tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }], rules: [rule('shop.example.com')] },
        status: { loadBalancer: { ingress: [{ ip: '192.168.49.2' }] } },
      },
      ['shop', 'nginx', 'shop.example.com', '192.168.49.2', '80, 443', '2m'],
    ],
    ['no class, no host, no address yet', { spec: { rules: [rule()] }, status: { loadBalancer: {} } }, ['shop', '<none>', '*', '', '80', '2m']],
    [
      'five rules: three hosts shown, the rest counted by rule',
      { spec: { ingressClassName: 'svcnet', rules: [rule('a.example.com'), rule('b.example.com'), rule('c.example.com'), rule('d.example.com'), rule()] } },
      ['shop', 'svcnet', 'a.example.com,b.example.com,c.example.com + 2 more...', '', '80', '2m'],
    ],
    [
      'several addresses sorted, hostnames when no IP',
      { spec: { ingressClassName: 'svcnet', rules: [rule('x.example.com')] }, status: { loadBalancer: { ingress: [{ ip: '10.0.0.9' }, { hostname: 'lb.example.net' }, { ip: '10.0.0.10' }] } } },
      ['shop', 'svcnet', 'x.example.com', '10.0.0.10,10.0.0.9,lb.example.net', '80', '2m'],
    ],
  ];
  for (const [what, body, want] of cases) {
    const ing = kube('Ingress', 'networking.k8s.io/v1', 'shop', body);
    assert.deepEqual(Object.values(row(ingressPrinter, ing)), want, what);
  }
});

test('ingressclass rows', () => {
  assert.deepEqual(ingressClassPrinter.columns.map((c) => c.name), ['Name', 'Controller', 'Parameters', 'Age']);
  const plain = kube('IngressClass', 'networking.k8s.io/v1', 'svcnet', { spec: { controller: 'svcnet.io/ingress' } });
  assert.deepEqual(Object.values(row(ingressClassPrinter, plain)), ['svcnet', 'svcnet.io/ingress', '<none>', '2m']);
  const withParams = kube('IngressClass', 'networking.k8s.io/v1', 'external-lb', {
    spec: { controller: 'example.com/ingress-controller', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } },
  });
  assert.deepEqual(row(ingressClassPrinter, withParams).Parameters, 'IngressParameters.k8s.example.com/external-lb');
  const coreParams = kube('IngressClass', 'networking.k8s.io/v1', 'cm', { spec: { controller: 'c', parameters: { kind: 'ConfigMap', name: 'ingress-config', scope: 'Namespace', namespace: 'ingress' } } });
  assert.deepEqual(row(ingressClassPrinter, coreParams).Parameters, 'ConfigMap/ingress-config');
});
