/** Worker processes: they share the listening socket, follow every RouteTable, and /metrics sums them. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../common/log.js';
import { startIngress, type RunningIngress } from './index.js';
import { startEchoBackend, type EchoBackend } from './testing/echo-backend.js';
import { api, fakeSources } from './testing/fake-source.js';
import { curl, curlStatus } from './testing/harness.js';
import { mergeMetrics } from './workers.js';

let ing: RunningIngress;
let blue: EchoBackend;
let green: EchoBackend;
const sources = fakeSources();

before(async () => {
  setLogSink(() => {});
  blue = await startEchoBackend('blue');
  green = await startEchoBackend('green');
  sources.services.set(api.service('blue'));
  sources.services.set(api.service('green'));
  sources.slices.set(api.slice('blue', [{ address: '127.0.0.1', port: blue.port }]));
  sources.slices.set(api.slice('green', [{ address: '127.0.0.1', port: green.port }]));
  sources.ingresses.set(api.ingress('app', [{ host: 'app.example', paths: [{ path: '/', service: 'blue' }] }]));
  ing = await startIngress({ sources, workers: 2, httpListen: '127.0.0.1:0', httpsListen: '127.0.0.1:0', statusListen: '127.0.0.1:0', accessLog: false });
});

after(async () => {
  await ing?.close();
  await blue?.close();
  await green?.close();
});

async function serviceCounts(n: number): Promise<Record<string, number>> {
  const urls = Array.from({ length: n }, () => `http://127.0.0.1:${ing.httpPort}/`);
  const r = await curl(['-H', 'Host: app.example', '-H', 'Connection: close', ...urls]);
  const counts: Record<string, number> = {};
  for (const m of r.stdout.matchAll(/"service":"(\w+)"/g)) counts[m[1]] = (counts[m[1]] ?? 0) + 1;
  return counts;
}

test('both processes serve; a route change reaches every worker; /metrics adds them up', async () => {
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(await serviceCounts(100), { blue: 100 });
  sources.ingresses.set(api.ingress('app', [{ host: 'app.example', paths: [{ path: '/', service: 'green' }] }]));
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(await serviceCounts(100), { green: 100 });
  const [, metrics] = await curlStatus([`http://127.0.0.1:${ing.statusPort}/metrics`]);
  const total = [...metrics.matchAll(/nginx_ingress_controller_requests\{[^}]*status="2xx"\} (\d+)/g)].reduce((a, m) => a + Number(m[1]), 0);
  assert.equal(total, 200);
  const own = ing.dataPlane.metrics.render();
  const ownTotal = [...own.matchAll(/nginx_ingress_controller_requests\{[^}]*status="2xx"\} (\d+)/g)].reduce((a, m) => a + Number(m[1]), 0);
  assert.ok(ownTotal < 200, `the main process served ${ownTotal} of 200: the worker served none`);
});

test('mergeMetrics sums counters and keeps the largest gauge', () => {
  const a = '# HELP c x\n# TYPE c counter\nc{a="1"} 2\n# HELP g y\n# TYPE g gauge\ng 5\n';
  const b = '# HELP c x\n# TYPE c counter\nc{a="1"} 3\nc{a="2"} 1\n# HELP g y\n# TYPE g gauge\ng 7\n';
  assert.equal(mergeMetrics([a, b]), '# HELP c x\n# TYPE c counter\nc{a="1"} 5\nc{a="2"} 1\n# HELP g y\n# TYPE g gauge\ng 7\n');
});
