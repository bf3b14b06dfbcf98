import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyncRunner } from './sync-runner.js';
import { ClusterState } from './cluster-state.js';
import { goTimeString, ProxyHealth } from './health.js';
import { ProxyMetrics } from './metrics.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('sync runner: a burst of 2 at once, then at most one run per min interval, requests coalesce', async () => {
  const runs: number[] = [];
  const t0 = Date.now();
  const runner = new SyncRunner({ minIntervalMs: 300, maxIntervalMs: Infinity, burst: 2, fn: async () => void runs.push(Date.now() - t0) });
  runner.start();
  for (let i = 0; i < 10; i++) {
    runner.run();
    await sleep(10);
  }
  await sleep(700);
  await runner.stop();
  // Loose bounds: timers run late on a loaded machine, never early.
  assert.ok(runs.length >= 2 && runs.length <= 5, `runs at ${runs.join(',')}`);
  assert.ok(runs[1]! < 150, `the burst ran at once: ${runs.join(',')}`);
  for (let i = 2; i < runs.length; i++) assert.ok(runs[i]! - runs[i - 1]! >= 250, `spaced by the min interval: ${runs.join(',')}`);
});

test('sync runner: retryAfter delays, a new request runs sooner, the periodic run is flagged', async () => {
  const runs: boolean[] = [];
  const runner = new SyncRunner({ minIntervalMs: 0, maxIntervalMs: 150, burst: 2, fn: async (periodic) => void runs.push(periodic) });
  runner.start();
  runner.retryAfter(10_000);
  await sleep(50);
  assert.deepEqual(runs, []);
  runner.run();
  await sleep(20);
  assert.deepEqual(runs, [false]);
  await sleep(200);
  await runner.stop();
  assert.equal(runs[1], true);
});

test('sync runner: a request made during a run is not delayed by a retryAfter from that run', async () => {
  const runs: number[] = [];
  const t0 = Date.now();
  let runner!: SyncRunner;
  runner = new SyncRunner({
    minIntervalMs: 0, maxIntervalMs: Infinity, burst: 2,
    fn: async () => {
      runs.push(Date.now() - t0);
      if (runs.length > 1) return;
      runner.run(); // a change arrives while the first run is under way
      runner.retryAfter(10_000); // the run then asks for a late follow-up
    },
  });
  runner.start();
  runner.run();
  await sleep(300);
  await runner.stop();
  assert.equal(runs.length, 2, `runs at ${runs.join(',')}`);
});

const svc = (name: string, clusterIP: string, extra: Record<string, unknown> = {}) => ({ metadata: { namespace: 'ns', name }, spec: { clusterIP, ports: [{ port: 80, protocol: 'TCP' }], ...extra } });
const slice = (service: string, ips: string[]) => ({
  metadata: { namespace: 'ns', name: `${service}-1`, labels: { 'kubernetes.io/service-name': service }, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:00Z' } },
  addressType: 'IPv4',
  endpoints: ips.map((ip) => ({ addresses: [ip] })),
  ports: [{ name: '', port: 8080, protocol: 'TCP' }],
});

test('change trackers: a change back to the applied value is dropped; commit reports what changed', () => {
  const cs = new ClusterState(4, 'node-a');
  assert.equal(cs.onService('ns/a', svc('a', '10.96.0.5')), true);
  assert.equal(cs.onEndpointSlice(slice('a', ['10.244.0.5']), false), true);
  const first = cs.commit();
  assert.deepEqual([...first.changedServices], ['ns/a']);
  assert.deepEqual(first.triggerTimes, [Date.parse('2026-01-01T00:00:00Z')]);
  assert.equal(cs.state().servicePorts[0]!.endpoints[0]!.ip, '10.244.0.5');
  // A write that changes nothing the proxy uses (e.g. a status-only update) needs no sync.
  assert.equal(cs.onService('ns/a', svc('a', '10.96.0.5', { selector: { x: 'y' } })), false);
  // Flapping: away and back before a sync = nothing pending.
  assert.equal(cs.onService('ns/a', svc('a', '10.96.0.6')), true);
  assert.equal(cs.onService('ns/a', svc('a', '10.96.0.5')), false);
  assert.equal(cs.pendingServiceChanges, 0);
  assert.equal(cs.onService('ns/a', undefined), true);
  assert.deepEqual([...cs.commit().changedServices], ['ns/a']);
  assert.deepEqual(cs.state().servicePorts, []);
});

test('headless and ExternalName services are not tracked', () => {
  const cs = new ClusterState(4, 'node-a');
  assert.equal(cs.onService('ns/h', svc('h', 'None')), false);
  assert.equal(cs.onService('ns/e', { metadata: { namespace: 'ns', name: 'e' }, spec: { type: 'ExternalName' } }), false);
});

test('health: unhealthy only when a queued update waits longer than the timeout', () => {
  const h = new ProxyHealth(1000);
  const t = (ms: number) => new Date(1_700_000_000_000 + ms);
  assert.equal(h.isHealthy(t(0)).healthy, true);
  h.queuedUpdate(t(0));
  assert.equal(h.isHealthy(t(999)).healthy, true);
  assert.equal(h.isHealthy(t(1000)).healthy, false);
  h.updated(t(1100));
  assert.equal(h.isHealthy(t(5000)).healthy, true);
  h.syncNode({ spec: { taints: [{ key: 'ToBeDeletedByClusterAutoscaler' }] } });
  assert.equal(h.nodeEligible, false);
});

test('Go time strings as kube-proxy prints them', () => {
  assert.equal(goTimeString(new Date('2026-11-23T11:38:02.120Z')), '2026-11-23 11:38:02.12 +0000 UTC');
  assert.equal(goTimeString(new Date('2026-11-23T11:38:02.000Z')), '2026-11-23 11:38:02 +0000 UTC');
});

test('metrics use kube-proxy names, types and buckets', () => {
  const m = new ProxyMetrics();
  m.syncDuration.observe(0.003);
  m.iptablesTotal.set(42, ['nat']);
  const text = m.render();
  assert.match(text, /^# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram$/m);
  assert.match(text, /^kubeproxy_sync_proxy_rules_duration_seconds_bucket\{le="0.002"\} 0$/m);
  assert.match(text, /^kubeproxy_sync_proxy_rules_duration_seconds_bucket\{le="0.004"\} 1$/m);
  assert.match(text, /^kubeproxy_sync_proxy_rules_duration_seconds_bucket\{le="16.384"\} 1$/m);
  assert.match(text, /^kubeproxy_sync_proxy_rules_iptables_total\{table="nat"\} 42$/m);
  assert.match(text, /^# TYPE kubeproxy_network_programming_duration_seconds histogram$/m);
});
