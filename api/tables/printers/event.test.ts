import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventPrinter } from './event.js';
import { ago, kube, row } from './testing.js';

test('event columns: LAST SEEN first, NAME last and wide-only', () => {
  assert.deepEqual(
    eventPrinter.columns.map((c) => [c.name, c.format, c.priority]),
    [
      ['Last Seen', '', 0],
      ['Type', '', 0],
      ['Reason', '', 0],
      ['Object', '', 0],
      ['Subobject', '', 1],
      ['Source', '', 1],
      ['Message', '', 0],
      ['First Seen', '', 1],
      ['Count', '', 1],
      ['Name', 'name', 1],
    ],
  );
});

test('event rows', () => {
  const cases: [string, Record<string, unknown>, unknown[]][] = [
    [
      'a kubelet event seen six times',
      {
        involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{web}' },
        reason: 'BackOff',
        message: 'Back-off restarting failed container web in pod web-1\n',
        source: { component: 'kubelet', host: 'node-1' },
        firstTimestamp: ago(3 * 86400),
        lastTimestamp: ago(2 * 86400),
        count: 6,
        type: 'Warning',
      },
      ['2d', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{web}', 'kubelet, node-1', 'Back-off restarting failed container web in pod web-1', '3d', 6, 'web-1.17c3a'],
    ],
    [
      'no lastTimestamp: LAST SEEN falls back to the first sighting; count 0 reads 1',
      { involvedObject: { kind: 'Deployment', name: 'web' }, reason: 'ScalingReplicaSet', message: 'Scaled up', source: { component: 'deployment-controller' }, firstTimestamp: ago(90), type: 'Normal' },
      ['90s', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up', '90s', 1, 'web-1.17c3a'],
    ],
    [
      'events.k8s.io style: eventTime, series, reporting fields',
      {
        involvedObject: { kind: 'Node' },
        reason: 'NodeReady',
        message: 'ok',
        eventTime: '2024-05-01T11:00:00.000000Z',
        series: { count: 4, lastObservedTime: '2024-05-01T11:59:00.000000Z' },
        reportingController: 'kubelet',
        reportingInstance: 'node-1',
        type: 'Normal',
      },
      ['60s', 'Normal', 'NodeReady', 'node', '', 'kubelet, node-1', 'ok', '60m', 4, 'web-1.17c3a'],
    ],
    ['no timestamps at all', { involvedObject: { kind: 'Pod', name: 'p' } }, ['<unknown>', '', '', 'pod/p', '', '', '', '<unknown>', 1, 'web-1.17c3a']],
  ];
  for (const [what, body, want] of cases) {
    assert.deepEqual(Object.values(row(eventPrinter, kube('Event', 'v1', 'web-1.17c3a', body))), want, what);
  }
});
