/** The recorder against the real API server: what `kubectl get events` shows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlAvailable } from '../../testing/api-fixture.js';
import { ri, startTestCluster } from '../endpointslice/cluster-testing.js';
import { EventRecorder } from './recorder.js';

const skip = kubectlAvailable() ? false : 'kubectl is not installed';

/** Rows as column → cell, cut at the header's column starts (cells may be empty). */
function columns(stdout: string): Record<string, string>[] {
  const [header, ...lines] = stdout.split('\n').filter((l) => l.trim());
  const starts = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], at: m.index! }));
  return lines.map((line) => Object.fromEntries(starts.map((c, i) => [c.name, line.slice(c.at, starts[i + 1]?.at ?? line.length).trim()])));
}

test('repeated events show as one row with a count; kubectl describe lists them', { skip, timeout: 60_000 }, async (t) => {
  const cluster = await startTestCluster();
  t.after(() => cluster.close());
  const { client, fx } = cluster;
  const svc = await client.create(ri.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
  const recorder = new EventRecorder(client, { component: 'endpoint-controller', host: 'node-1' });
  for (let i = 0; i < 3; i++) recorder.event(svc, 'Warning', 'FailedToUpdateEndpoint', 'Failed to update endpoint default/web: boom');
  recorder.event(svc, 'Normal', 'Other', 'something else');
  await recorder.flush();
  const wide = (await fx.kubectl('get events -o wide --sort-by=.metadata.name')).stdout;
  if (process.env.SHOW_KUBECTL) console.log(wide);
  const rows = columns(wide);
  const failed = rows.find((r) => r.REASON === 'FailedToUpdateEndpoint')!;
  assert.equal(failed.TYPE, 'Warning');
  assert.equal(failed.OBJECT, 'service/web');
  assert.equal(failed.SOURCE, 'endpoint-controller, node-1');
  assert.equal(failed.COUNT, '3');
  assert.match(failed.NAME, /^web\.[0-9a-f]+$/);
  assert.equal(rows.length, 2, 'one row per distinct event');
  const describe = (await fx.kubectl('describe service web')).stdout;
  assert.match(describe, /Warning\s+FailedToUpdateEndpoint\s+\S+\s+\(x3 over \S+\)\s+endpoint-controller\s+Failed to update endpoint default\/web: boom/);
});
