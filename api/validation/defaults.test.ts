import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaulted, object } from './test-support.js';

test('Service defaults (reference §8.2): a minimal NodePort service', () => {
  const svc = defaulted(object('v1', 'Service', 'nginx', { spec: { type: 'NodePort', selector: { app: 'nginx' }, ports: [{ name: 'http', port: 80 }] } }));
  assert.deepEqual(svc.spec, {
    type: 'NodePort',
    selector: { app: 'nginx' },
    ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }],
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
});

test('Service defaults: ClientIP timeout, LoadBalancer node ports, ExternalName untouched', () => {
  const clientIP = defaulted(object('v1', 'Service', 'a', { spec: { sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 'http' }] } }));
  assert.deepEqual((clientIP.spec as { sessionAffinityConfig: unknown }).sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  assert.equal((clientIP.spec as { type: string }).type, 'ClusterIP');
  assert.equal((clientIP.spec as { externalTrafficPolicy?: string }).externalTrafficPolicy, undefined);
  const lb = defaulted(object('v1', 'Service', 'b', { spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } }));
  assert.equal((lb.spec as { allocateLoadBalancerNodePorts: boolean }).allocateLoadBalancerNodePorts, true);
  const ext = defaulted(object('v1', 'Service', 'c', { spec: { type: 'ExternalName', externalName: 'db.example.com' } }));
  assert.deepEqual(ext.spec, { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' });
  const headless = defaulted(object('v1', 'Service', 'd', { spec: { clusterIP: 'None', selector: { app: 'db' } } }));
  assert.deepEqual(headless.spec, {
    clusterIP: 'None',
    clusterIPs: ['None'],
    selector: { app: 'db' },
    sessionAffinity: 'None',
    type: 'ClusterIP',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  // Headless without a selector: the registry's special case, both families and RequireDualStack.
  const selectorless = defaulted(object('v1', 'Service', 'e', { spec: { clusterIP: 'None', ports: [{ port: 5432 }] } }));
  assert.equal((selectorless.spec as { ipFamilyPolicy: string }).ipFamilyPolicy, 'RequireDualStack');
  assert.deepEqual((selectorless.spec as { ipFamilies: string[] }).ipFamilies, ['IPv4', 'IPv6']);
  const v6 = defaulted(object('v1', 'Service', 'f', { spec: { clusterIP: 'fd00::10', ports: [{ port: 80 }] } }));
  assert.deepEqual((v6.spec as { ipFamilies: string[] }).ipFamilies, ['IPv6']);
});

test('Pod defaults (reference §8.2)', () => {
  const pod = defaulted(
    object('v1', 'Pod', 'web', {
      spec: {
        containers: [
          { name: 'a', image: 'nginx', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } }, readinessProbe: { httpGet: { port: 80 } } },
          { name: 'b', image: 'busybox:1.36' },
        ],
        volumes: [{ name: 's', secret: { secretName: 'x' } }, { name: 'cache' }],
      },
    }),
  );
  assert.deepEqual(pod.spec, {
    containers: [
      {
        name: 'a',
        image: 'nginx',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: { limits: { cpu: '1' }, requests: { cpu: '1' } },
        readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        imagePullPolicy: 'Always',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
      { name: 'b', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} },
    ],
    volumes: [{ name: 's', secret: { secretName: 'x', defaultMode: 420 } }, { name: 'cache', emptyDir: {} }],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
  });
});

test('Deployment defaults (reference §8.2); the template gets PodSpec defaults but not pod-only ones', () => {
  const d = defaulted(
    object('apps/v1', 'Deployment', 'web', {
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx:latest' }] } } },
    }),
  );
  const spec = d.spec as Record<string, unknown>;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  const podSpec = (spec.template as { spec: Record<string, unknown> }).spec;
  assert.equal(podSpec.restartPolicy, 'Always');
  assert.equal(podSpec.enableServiceLinks, undefined);
  assert.equal((podSpec.containers as { imagePullPolicy: string }[])[0].imagePullPolicy, 'Always');
  const rs = defaulted(object('apps/v1', 'ReplicaSet', 'web-1', { spec: {} }));
  assert.equal((rs.spec as { replicas: number }).replicas, 1);
});

test('Secret: stringData becomes base64 data and is dropped; type Opaque', () => {
  const s = defaulted(object('v1', 'Secret', 's', { data: { a: 'b2xk', keep: 'eA==' }, stringData: { a: 'new', 'b.txt': 'héllo' } }));
  assert.deepEqual(s.data, { a: 'bmV3', keep: 'eA==', 'b.txt': Buffer.from('héllo').toString('base64') });
  assert.equal(s.stringData, undefined);
  assert.equal(s.type, 'Opaque');
});

test('Namespace label, Node allocatable, Endpoints and EndpointSlice ports, IngressClass scope', () => {
  const ns = defaulted(object('v1', 'Namespace', 'team-a'));
  assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual(ns.status, { phase: 'Active' });
  const node = defaulted(object('v1', 'Node', 'n1', { status: { capacity: { cpu: '2', pods: '110' } } }));
  assert.deepEqual((node.status as { allocatable: unknown }).allocatable, { cpu: '2', pods: '110' });
  const ep = defaulted(object('v1', 'Endpoints', 'web', { subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] }));
  assert.deepEqual((ep.subsets as { ports: unknown[] }[])[0].ports, [{ port: 80, protocol: 'TCP' }]);
  const slice = defaulted(object('discovery.k8s.io/v1', 'EndpointSlice', 'web-x', { addressType: 'IPv4', ports: [{ port: 80 }] }));
  assert.deepEqual(slice.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
  const cls = defaulted(object('networking.k8s.io/v1', 'IngressClass', 'c', { spec: { controller: 'k8s.io/x', parameters: { kind: 'K', name: 'n' } } }));
  assert.equal((cls.spec as { parameters: { scope: string } }).parameters.scope, 'Cluster');
});
