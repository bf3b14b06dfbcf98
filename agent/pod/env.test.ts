import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildContainerEnv, expandVars, serviceLinkEnv } from './env.js';
import type { Pod, Service, ServicePortJson } from './types.js';

const svc = (name: string, ip: string, ports: ServicePortJson[], ns = 'default'): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { clusterIP: ip, ports } });
const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u-1', labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [] } };

describe('container environment', () => {
  it('writes docker-link variables for a Service', () => {
    assert.deepEqual(serviceLinkEnv(svc('nginx', '10.96.5.5', [{ port: 80 }])), [
      ['NGINX_SERVICE_HOST', '10.96.5.5'],
      ['NGINX_SERVICE_PORT', '80'],
      ['NGINX_PORT', 'tcp://10.96.5.5:80'],
      ['NGINX_PORT_80_TCP', 'tcp://10.96.5.5:80'],
      ['NGINX_PORT_80_TCP_PROTO', 'tcp'],
      ['NGINX_PORT_80_TCP_PORT', '80'],
      ['NGINX_PORT_80_TCP_ADDR', '10.96.5.5'],
    ]);
    assert.deepEqual(serviceLinkEnv(svc('headless', 'None', [{ port: 80 }])), []);
    assert.ok(serviceLinkEnv(svc('my-svc', '10.96.0.9', [{ name: 'http', port: 8080 }])).some(([k]) => k === 'MY_SVC_SERVICE_PORT_HTTP'));
  });
  it('expands $(VAR) and keeps $$( literal', () => {
    const vars = new Map([['A', 'x']]);
    assert.equal(expandVars('$(A)-$(B)-$$(A)', (n) => vars.get(n)), 'x-$(B)-$(A)');
  });
  it('combines service links, downward API, ConfigMap and Secret keys in kubelet order', () => {
    const env = buildContainerEnv({
      pod,
      container: {
        name: 'c',
        env: [
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } },
          { name: 'PASS', valueFrom: { secretKeyRef: { name: 'sec', key: 'pw' } } },
          { name: 'URL', value: 'http://$(NGINX_SERVICE_HOST):$(NGINX_SERVICE_PORT)/$(POD)' },
        ],
      },
      hostname: 'p',
      podIP: '10.244.0.9',
      hostIP: '172.31.0.2',
      services: [svc('nginx', '10.96.5.5', [{ port: 80 }]), svc('kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }])],
      masterService: svc('kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]),
      configMaps: new Map([['cfg', { mode: 'fast' }]]),
      secrets: new Map([['sec', { pw: 's3cret' }]]),
    });
    const m = new Map(env);
    assert.equal(env[0][0], 'HOSTNAME');
    assert.equal(m.get('KUBERNETES_SERVICE_HOST'), '10.96.0.1');
    assert.equal(m.get('KUBERNETES_SERVICE_PORT'), '443');
    assert.equal(m.get('KUBERNETES_SERVICE_PORT_HTTPS'), '443');
    assert.equal(m.get('KUBERNETES_PORT_443_TCP'), 'tcp://10.96.0.1:443');
    assert.equal(m.get('POD'), 'p');
    assert.equal(m.get('IP'), '10.244.0.9');
    assert.equal(m.get('APP'), 'web');
    assert.equal(m.get('MODE'), 'fast');
    assert.equal(m.get('PASS'), 's3cret');
    assert.equal(m.get('URL'), 'http://10.96.5.5:80/p');
  });
  it('leaves service links out with enableServiceLinks: false, but not the kubernetes ones', () => {
    const env = new Map(buildContainerEnv({ pod: { ...pod, spec: { ...pod.spec, enableServiceLinks: false } }, container: { name: 'c' }, hostname: 'p', podIP: '', hostIP: '', services: [svc('nginx', '10.96.5.5', [{ port: 80 }])], masterService: svc('kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]), configMaps: new Map(), secrets: new Map() }));
    assert.equal(env.get('NGINX_SERVICE_HOST'), undefined);
    assert.equal(env.get('KUBERNETES_SERVICE_HOST'), '10.96.0.1');
  });
  it('fails with CreateContainerConfigError for a missing ConfigMap unless optional', () => {
    const base = { pod, hostname: 'p', podIP: '', hostIP: '', services: [], configMaps: new Map(), secrets: new Map() };
    assert.throws(() => buildContainerEnv({ ...base, container: { name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] } }), /configmap "nope" not found/);
    assert.doesNotThrow(() => buildContainerEnv({ ...base, container: { name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } }] } }));
  });
});
