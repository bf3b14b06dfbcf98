import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { KubeObject } from '../types.js';
import { convertLegacyIngress, isLegacyIngress } from './index.js';
import { defaultFixturesDir } from '../../demo/paths.js';

const load = (file: string) => parse(readFileSync(`${defaultFixturesDir()}/${file}`, 'utf8')) as KubeObject;
const svcPath = (path: string, name: string, number: number) => ({ path, pathType: 'ImplementationSpecific', backend: { service: { name, port: { number } } } });

test('kubia-ingress-legacy.yaml converts to networking.k8s.io/v1', () => {
  const src = load('kubia-ingress-legacy.yaml');
  assert.ok(isLegacyIngress(src));
  assert.deepEqual(convertLegacyIngress(src), {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'kubia' },
    spec: { rules: [{ host: 'kubia.example.com', http: { paths: [svcPath('/kubia', 'kubia', 80), svcPath('/foo', 'bar', 80)] } }] },
  });
  assert.equal(src.apiVersion, 'extensions/v1beta1', 'the input is not changed');
});

test('fanout-rewrite-legacy.yaml keeps its annotations', () => {
  assert.deepEqual(convertLegacyIngress(load('fanout-rewrite-legacy.yaml')), {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'test', annotations: { 'ingress.kubernetes.io/rewrite-target': '/' } },
    spec: { rules: [{ host: 'foo.bar.com', http: { paths: [svcPath('/foo', 's1', 80), svcPath('/bar', 's2', 80)] } }] },
  });
});

test('backend becomes defaultBackend; named ports, class annotation and explicit pathType survive', () => {
  const src: KubeObject = {
    apiVersion: 'networking.k8s.io/v1beta1',
    kind: 'Ingress',
    metadata: { name: 'x', annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
    spec: {
      backend: { serviceName: 'default-http', servicePort: 'http' },
      tls: [{ secretName: 'tls' }],
      rules: [{ http: { paths: [{ path: '/a', pathType: 'Exact', backend: { serviceName: 'a', servicePort: 8080 } }] } }],
    },
  };
  assert.deepEqual(convertLegacyIngress(src), {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'x', annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
    spec: {
      defaultBackend: { service: { name: 'default-http', port: { name: 'http' } } },
      tls: [{ secretName: 'tls' }],
      rules: [{ http: { paths: [{ path: '/a', pathType: 'Exact', backend: { service: { name: 'a', port: { number: 8080 } } } }] } }],
    },
  });
});

test('a v1 Ingress is returned unchanged', () => {
  const v1: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'x' }, spec: { defaultBackend: { service: { name: 'a', port: { number: 80 } } } } };
  assert.equal(isLegacyIngress(v1), false);
  assert.deepEqual(convertLegacyIngress(v1), v1);
});
