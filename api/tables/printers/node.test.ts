import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodePrinter } from './node.js';
import { kube, row } from './testing.js';

const info = { kubeletVersion: 'v1.32.4', osImage: 'Ubuntu 24.04.1 LTS', kernelVersion: '6.8.0-45-generic', containerRuntimeVersion: 'containerd://1.7.22' };
const addresses = [
  { type: 'InternalIP', address: '192.168.49.2' },
  { type: 'Hostname', address: 'node-1' },
];

function node(name: string, labels: Record<string, string>, spec: Record<string, unknown>, status: Record<string, unknown>) {
  return kube('Node', 'v1', name, { spec, status }, { namespace: undefined, labels });
}

test('node columns match the upstream printer', () => {
  assert.deepEqual(
    nodePrinter.columns.map((c) => [c.name, c.priority]),
    [
      ['Name', 0],
      ['Status', 0],
      ['Roles', 0],
      ['Age', 0],
      ['Version', 0],
      ['Internal-IP', 1],
      ['External-IP', 1],
      ['OS-Image', 1],
      ['Kernel-Version', 1],
      ['Container-Runtime', 1],
    ],
  );
});

test('node rows', () => {
  const cases: [string, ReturnType<typeof node>, unknown[]][] = [
    [
      'a cordoned control-plane node with two roles',
      node(
        'node-1',
        { 'kubernetes.io/hostname': 'node-1', 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/etcd': 'true' },
        { unschedulable: true },
        {
          conditions: [
            { type: 'MemoryPressure', status: 'False' },
            { type: 'Ready', status: 'True' },
          ],
          addresses,
          nodeInfo: info,
        },
      ),
      ['node-1', 'Ready,SchedulingDisabled', 'control-plane,etcd', '2m', 'v1.32.4', '192.168.49.2', '<none>', 'Ubuntu 24.04.1 LTS', '6.8.0-45-generic', 'containerd://1.7.22'],
    ],
    [
      'a worker that stopped reporting, legacy role label',
      node('node-2', { 'kubernetes.io/role': 'worker', 'node-role.kubernetes.io/': '' }, {}, { conditions: [{ type: 'Ready', status: 'Unknown' }], addresses: [...addresses, { type: 'ExternalIP', address: '203.0.113.7' }], nodeInfo: info }),
      ['node-2', 'NotReady', 'worker', '2m', 'v1.32.4', '192.168.49.2', '203.0.113.7', 'Ubuntu 24.04.1 LTS', '6.8.0-45-generic', 'containerd://1.7.22'],
    ],
    [
      'a fresh node without conditions or nodeInfo',
      node('node-3', {}, {}, {}),
      ['node-3', 'Unknown', '<none>', '2m', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'],
    ],
  ];
  for (const [what, n, want] of cases) assert.deepEqual(Object.values(row(nodePrinter, n)), want, what);
});
