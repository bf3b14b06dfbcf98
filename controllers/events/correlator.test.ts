import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventCorrelator, combinedPrefix } from './correlator.js';
import type { CoreEvent } from './types.js';

let n = 0;
function ev(message: string, reason = 'Scaled', name = 'web'): CoreEvent {
  n++;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.${n}`, namespace: 'default' },
    involvedObject: { kind: 'Deployment', namespace: 'default', name, uid: 'u1', apiVersion: 'apps/v1' },
    reason,
    message,
    source: { component: 'c', host: 'h' },
    firstTimestamp: 't0',
    lastTimestamp: 't0',
    count: 1,
    type: 'Normal',
    reportingComponent: 'c',
    reportingInstance: 'h',
  };
}

test('the same event inside the window patches count on the first Event', () => {
  let now = 0;
  const c = new EventCorrelator({ now: () => now });
  const first = c.correlate(ev('m'));
  assert.equal(first.action, 'create');
  now = 60_000;
  const second = c.correlate({ ...ev('m'), lastTimestamp: 't1' });
  assert.equal(second.action, 'patch');
  assert.ok(second.action === 'patch' && first.action === 'create');
  assert.equal(second.name, first.event.metadata.name);
  assert.equal(second.event.count, 2);
  assert.equal(second.event.firstTimestamp, 't0');
  assert.equal(second.event.lastTimestamp, 't1');
});

test('after the window the same event creates a new Event', () => {
  let now = 0;
  const c = new EventCorrelator({ now: () => now });
  c.correlate(ev('m'));
  now = 600_001;
  assert.equal(c.correlate(ev('m')).action, 'create');
});

test('different messages, reasons or objects are different events', () => {
  const c = new EventCorrelator({ now: () => 0 });
  assert.equal(c.correlate(ev('a')).action, 'create');
  assert.equal(c.correlate(ev('b')).action, 'create');
  assert.equal(c.correlate(ev('a', 'Other')).action, 'create');
  assert.equal(c.correlate(ev('a', 'Scaled', 'api')).action, 'create');
  assert.equal(c.correlate(ev('a')).action, 'patch');
});

test('ten different messages for one reason are combined into one counted Event', () => {
  const c = new EventCorrelator({ now: () => 0, spamBurst: 100 });
  for (let i = 0; i < 9; i++) assert.equal(c.correlate(ev(`m${i}`)).action, 'create');
  const tenth = c.correlate(ev('m9'));
  assert.equal(tenth.action, 'create');
  assert.ok(tenth.action === 'create');
  assert.equal(tenth.event.message, `${combinedPrefix}m9`);
  const eleventh = c.correlate(ev('m10'));
  assert.equal(eleventh.action, 'patch');
  assert.ok(eleventh.action === 'patch' && tenth.action === 'create');
  assert.equal(eleventh.name, tenth.event.metadata.name);
  assert.equal(eleventh.event.message, `${combinedPrefix}m10`);
  assert.equal(eleventh.event.count, 2);
});

test('the spam filter lets a burst of 25 per object through, then one per 5 minutes', () => {
  let now = 0;
  const c = new EventCorrelator({ now: () => now, similarThreshold: 1000 });
  for (let i = 0; i < 25; i++) assert.notEqual(c.correlate(ev(`m${i}`)).action, 'drop');
  assert.equal(c.correlate(ev('x')).action, 'drop');
  assert.notEqual(c.correlate(ev('x', 'R', 'other-object')).action, 'drop');
  now = 300_000;
  assert.notEqual(c.correlate(ev('y')).action, 'drop');
  assert.equal(c.correlate(ev('z')).action, 'drop');
});

test('forget makes the next equal event a create', () => {
  const c = new EventCorrelator({ now: () => 0 });
  const first = c.correlate(ev('m'));
  assert.ok(first.action === 'create');
  c.forget(first.event.metadata.name);
  assert.equal(c.correlate(ev('m')).action, 'create');
});
