import assert from 'node:assert/strict';
import { test } from 'node:test';
import { servicePrinter } from './service.js';
import { kube, row } from './testing.js';

function svc(name: string, spec: Record<string, unknown>, status: Record<string, unknown> = { loadBalancer: {} }) {
  return kube('Service', 'v1', name, { spec, status });
}

test('service columns match the upstream printer', () => {
  assert.deepEqual(
    servicePrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0],
      ['Type', 'string', '', 0],
      ['Cluster-IP', 'string', '', 0],
      ['External-IP', 'string', '', 0],
      ['Port(s)', 'string', '', 0],
      ['Age', 'string', '', 0],
      ['Selector', 'string', '', 1],
    ],
  );
});

test('service rows for each type', () => {
  const cases: [string, ReturnType<typeof svc>, unknown[]][] = [
    [
      'ClusterIP',
      svc('web', { type: 'ClusterIP', clusterIP: '10.96.12.34', clusterIPs: ['10.96.12.34'], ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: 'web' } }),
      ['web', 'ClusterIP', '10.96.12.34', '<none>', '80/TCP', '2m', 'app=web'],
    ],
    [
      'NodePort with two ports and a multi-label selector',
      svc('nginx', {
        type: 'NodePort',
        clusterIPs: ['10.96.0.50'],
        ports: [
          { name: 'http', port: 80, protocol: 'TCP', nodePort: 31326 },
          { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 },
        ],
        selector: { tier: 'edge', app: 'nginx' },
      }),
      ['nginx', 'NodePort', '10.96.0.50', '<none>', '80:31326/TCP,53:30053/UDP', '2m', 'app=nginx,tier=edge'],
    ],
    [
      'LoadBalancer still waiting for an address',
      svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.96.0.20'], ports: [{ port: 443, protocol: 'TCP', nodePort: 30443 }], selector: { app: 'lb' } }),
      ['lb', 'LoadBalancer', '10.96.0.20', '<pending>', '443:30443/TCP', '2m', 'app=lb'],
    ],
    [
      'LoadBalancer with ingress: IP preferred over hostname, sorted, unclipped, then externalIPs',
      svc(
        'lb',
        { type: 'LoadBalancer', clusterIPs: ['10.9.8.7'], externalIPs: ['80.11.12.10', '80.11.12.11'], ports: [{ port: 8888, protocol: 'TCP' }] },
        { loadBalancer: { ingress: [{ ip: '3.4.5.6', hostname: 'test.cluster.com' }, { ip: '2.3.4.5', hostname: 'test.cluster.local' }, { ip: '2.3.4.5' }] } },
      ),
      ['lb', 'LoadBalancer', '10.9.8.7', '2.3.4.5,3.4.5.6,80.11.12.10,80.11.12.11', '8888/TCP', '2m', '<none>'],
    ],
    [
      'LoadBalancer with a long hostname (the API server prints wide, so nothing is clipped)',
      svc('elb', { type: 'LoadBalancer', clusterIPs: ['10.96.3.3'], ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }, { loadBalancer: { ingress: [{ hostname: 'a1b2c3-123456789.us-east-1.elb.amazonaws.com' }] } }),
      ['elb', 'LoadBalancer', '10.96.3.3', 'a1b2c3-123456789.us-east-1.elb.amazonaws.com', '80:30080/TCP', '2m', '<none>'],
    ],
    [
      'headless',
      svc('db', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 5432, protocol: 'TCP' }], selector: { app: 'db' } }),
      ['db', 'ClusterIP', 'None', '<none>', '5432/TCP', '2m', 'app=db'],
    ],
    [
      'ExternalName',
      svc('ext', { type: 'ExternalName', externalName: 'my.database.example.com' }),
      ['ext', 'ExternalName', '<none>', 'my.database.example.com', '<none>', '2m', '<none>'],
    ],
    [
      'ClusterIP with externalIPs and no selector',
      svc('manual', { type: 'ClusterIP', clusterIPs: ['10.96.1.1', 'fd00::1'], externalIPs: ['192.0.2.10'], ports: [{ port: 80, protocol: 'TCP' }] }),
      ['manual', 'ClusterIP', '10.96.1.1', '192.0.2.10', '80/TCP', '2m', '<none>'],
    ],
    [
      'undefaulted: no type, legacy clusterIP only, no protocol',
      svc('raw', { clusterIP: '10.96.9.9', ports: [{ port: 8080 }] }),
      ['raw', 'ClusterIP', '10.96.9.9', '<none>', '8080/TCP', '2m', '<none>'],
    ],
  ];
  for (const [what, s, want] of cases) assert.deepEqual(Object.values(row(servicePrinter, s)), want, what);
});
