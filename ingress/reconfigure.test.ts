/**
 * Live reconfiguration: RouteTables swapped every few milliseconds (routes moved between
 * Services, endpoints removed and re-added) under concurrent keep-alive load must fail nothing,
 * drop no client connection, and leave traffic following the last table.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { setLogSink } from '../common/log.js';
import { startEchoBackend, type EchoBackend } from './testing/echo-backend.js';
import { closeAll, serviceOf, startHarness, stateOf, type Harness } from './testing/harness.js';
import { ingress, path } from './testing/state.js';
import { waitFor } from '../testing/wait-for.js';

let h: Harness;
const blue: EchoBackend[] = [];
const green: EchoBackend[] = [];

before(async () => {
  setLogSink(() => {});
  for (let i = 0; i < 3; i++) blue.push(await startEchoBackend('blue', `blue-${i}`));
  for (let i = 0; i < 3; i++) green.push(await startEchoBackend('green', `green-${i}`));
  h = await startHarness();
});

after(async () => {
  await h.close();
  await closeAll([...blue, ...green]);
});

function get(agent: http.Agent, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: h.dp.httpPort, path: p, agent, headers: { host: 'app.example' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

/** Step i of the churn: the route flips colour and each Service keeps a rotating subset of endpoints. */
function churnState(i: number) {
  const subset = (bs: EchoBackend[]) => bs.filter((_, j) => j !== i % bs.length);
  const target = i % 2 === 0 ? 'blue' : 'green';
  return stateOf({
    svcs: [serviceOf('blue', subset(blue)), serviceOf('green', subset(green))],
    ingresses: [ingress('app', { host: 'app.example', paths: [path('/', 'Prefix', target)], createdMs: 1 })],
  });
}

test('routes and endpoints changing every 5 ms under load: zero failed requests', async () => {
  h.apply(churnState(0));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let stop = false;
  let ok = 0;
  const failures: string[] = [];
  const workers = Array.from({ length: 16 }, async () => {
    while (!stop) {
      try {
        const r = await get(agent, '/');
        if (r.status === 200 && /"service":"(blue|green)"/.test(r.body)) ok++;
        else failures.push(`status ${r.status}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  });
  // The run ends after an amount of work, not of time, so a slow (loaded) machine makes it longer
  // instead of failing it: at least 150 swaps with at least 500 requests answered meanwhile.
  let swaps = 0;
  const churn = setInterval(() => h.apply(churnState(++swaps)), 5);
  await waitFor('150 swaps and 500 answered requests', () => (swaps >= 150 && ok + failures.length >= 500 ? true : undefined), 120_000, 50);
  clearInterval(churn);
  stop = true;
  await Promise.all(workers);
  agent.destroy();
  assert.deepEqual(failures.slice(0, 5), []);
  assert.ok(ok >= 500, `requests ${ok}`);

  // Traffic follows the last table at once.
  const last = swaps % 2 === 0 ? 'blue' : 'green';
  const fresh = new http.Agent({ keepAlive: true });
  for (let i = 0; i < 5; i++) assert.match((await get(fresh, '/')).body, new RegExp(`"service":"${last}"`));
  fresh.destroy();
});

test('an in-flight request to an endpoint removed from the table completes', async () => {
  h.apply(stateOf({ svcs: [serviceOf('blue', [blue[0]])], ingresses: [ingress('app', { host: 'app.example', paths: [path('/', 'Prefix', 'blue')] })] }));
  const agent = new http.Agent({ keepAlive: true });
  const slow = get(agent, '/delay/300');
  await new Promise((r) => setTimeout(r, 50));
  h.apply(stateOf({ svcs: [serviceOf('green', [green[0]])], ingresses: [ingress('app', { host: 'app.example', paths: [path('/', 'Prefix', 'green')] })] }));
  const r = await slow;
  assert.equal(r.status, 200);
  assert.match(r.body, /"service":"blue"/);
  assert.match((await get(agent, '/')).body, /"service":"green"/);
  agent.destroy();
});
