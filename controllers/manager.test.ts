/**
 * The controller manager as a whole: the workload controllers and the Service controllers
 * together turn the walkthrough's Deployment and Service into pods and endpoints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { kubectlAvailable } from '../testing/api-fixture.js';
import { eventually, startTestCluster } from './replicaset/test-cluster.js';
import { defaultFixturesDir } from '../demo/paths.js';

const fixtures = defaultFixturesDir();

test('walkthrough §2: the Service gets the Deployment pods as endpoints', { skip: !kubectlAvailable() && 'kubectl not installed', timeout: 90_000 }, async (t) => {
  const c = await startTestCluster();
  t.after(() => c.close());
  const k = (args: string | string[]) => c.fixture.kubectl(args);
  for (const name of ['nginx-deploy.yaml', 'nginx-service.yaml']) {
    const r = await k(['apply', '-f', c.fixture.file(name, readFileSync(`${fixtures}/${name}`, 'utf8'))]);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.equal((await k('rollout status deploy/nginx --timeout=30s')).code, 0);
  const describe = await eventually('five endpoints', async () => {
    const out = (await k('describe service nginx')).stdout;
    return /Endpoints:\s+10\.244\.0\.\d+:80,10\.244\.0\.\d+:80,10\.244\.0\.\d+:80 \+ 2 more\.\.\./.test(out) && out;
  });
  assert.match(describe, /Selector:\s+app=nginx/);
  await c.manager.stop();
  await c.manager.stop();
});
