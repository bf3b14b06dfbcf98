import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, object, service } from './test-support.js';

const deployment = (status: Record<string, unknown>) =>
  object('apps/v1', 'Deployment', 'web', {
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } } },
    status,
  });

test('Deployment status: counts are consistent', () => {
  const old = deployment({});
  assert.deepEqual(errorsOf(deployment({ replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }), old), []);
  assert.deepEqual(errorsOf(deployment({ replicas: 1, readyReplicas: 2, availableReplicas: 3 }), old), [
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas',
  ]);
  assert.deepEqual(errorsOf(deployment({ collisionCount: 1 }), deployment({ collisionCount: 2 })), ['status.collisionCount: Invalid value: 1: cannot be decremented']);
});

test('Service status: load balancer ingress only on LoadBalancer services, with valid IPs', () => {
  const lb = (status: unknown, type = 'LoadBalancer') => {
    const s = service('web', { type, ports: [{ port: 80 }] });
    s.status = status;
    return s;
  };
  assert.deepEqual(errorsOf(lb({ loadBalancer: { ingress: [{ ip: '192.168.1.10' }] } }), lb({})), []);
  assert.deepEqual(errorsOf(lb({ loadBalancer: { ingress: [{ ip: '192.168.1.300' }] } }), lb({})), [
    'status.loadBalancer.ingress[0].ip: Invalid value: "192.168.1.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ]);
  assert.deepEqual(errorsOf(lb({ loadBalancer: { ingress: [{ ip: '192.168.1.10' }] } }, 'NodePort'), lb({}, 'NodePort')), [
    "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'",
  ]);
});

test('Pod status: hostIPs[0] is hostIP; one pod IP per family', () => {
  const pod = (status: Record<string, unknown>) => object('v1', 'Pod', 'web', { spec: { containers: [{ name: 'a', image: 'nginx' }] }, status });
  const old = pod({});
  assert.deepEqual(errorsOf(pod({ hostIP: '10.0.0.5', hostIPs: [{ ip: '10.0.0.5' }], podIP: '10.244.0.2', podIPs: [{ ip: '10.244.0.2' }] }), old), []);
  assert.deepEqual(errorsOf(pod({ hostIP: '10.0.0.6', hostIPs: [{ ip: '10.0.0.5' }], podIPs: [{ ip: '10.244.0.2' }, { ip: '10.244.0.3' }] }), old), [
    'status.podIPs: Invalid value: []core.PodIP{core.PodIP{IP:"10.244.0.2"}, core.PodIP{IP:"10.244.0.3"}}: may specify no more than one IP for each IP family',
    'status.hostIPs[0].ip: Invalid value: "10.0.0.5": must be equal to `hostIP`',
  ]);
});

test('Ingress status: hostnames are DNS names', () => {
  const ing = (status: unknown) => object('networking.k8s.io/v1', 'Ingress', 'web', { spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } }, status });
  assert.deepEqual(errorsOf(ing({ loadBalancer: { ingress: [{ hostname: '10.0.0.1' }] } }), ing({})), [
    'status.loadBalancer.ingress[0].hostname: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
  ]);
});
