/**
 * Churn: thousands of random pod creates, readiness flips, relabels and deletes across a few
 * Services, with many writes in flight, against the real API server. Once things settle, every
 * Service's slices must hold exactly what a from-scratch computation over the final pods gives
 * (the pure reconcile with no existing slices), and its Endpoints likewise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { isNotFound } from '../../client/client-error.js';
import type { ApiClient } from '../../client/rest.js';
import { startEndpointsController } from '../endpoints/controller.js';
import { computeSubsets, truncateSubsets, type Endpoints, type EndpointSubset } from '../endpoints/reconcile.js';
import { createNode, podManifest, ri, runningStatus, startTestCluster, waitFor } from './cluster-testing.js';
import { startEndpointSliceController } from './controller.js';
import { selectorMatches, toNodeInfo, toPodInfo, toServiceInfo } from './model.js';
import { reconcileEndpointSlices } from './reconcile.js';
import { canonicalJson, portKey, type EndpointSlice } from './slice.js';
import { seededRandom } from '../../testing/seeded-random.js';

const ops = Number(process.env.CHURN_OPS ?? 3000);
const inFlight = 24;
/** Small slices, so that churn also moves endpoints between many slices per Service. */
const maxPerSlice = 20;


const services = [
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { tier: 'front' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9100, targetPort: 9100 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { selector: { app: 'api' }, ports: [{ port: 8080 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cache' }, spec: { publishNotReadyAddresses: true, selector: { app: 'cache' }, ports: [{ port: 6379 }] } },
];
const apps = ['web', 'api', 'db', 'cache', 'none'];

async function quietly(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    // Racing ops on one pod (deleted meanwhile, stale version) are part of churn.
    if (!isNotFound(err) && !/Conflict|AlreadyExists|Invalid/.test((err as { reason?: string }).reason ?? '')) throw err;
  }
}

async function churn(client: ApiClient, random: () => number): Promise<void> {
  const live: string[] = [];
  let serial = 0;
  let ip = 0;
  const pick = () => live[Math.floor(random() * live.length)];
  const nextIP = () => {
    ip++;
    return `10.244.${Math.floor(ip / 250)}.${(ip % 250) + 1}`;
  };
  const one = async () => {
    const r = random();
    if (live.length < 20 || r < 0.3) {
      const name = `p-${serial++}`;
      live.push(name);
      const app = apps[Math.floor(random() * apps.length)];
      // Half of the web pods name their port 8080, the others 8081: two slices per Service.
      const ports = [{ name: 'http', containerPort: random() < 0.5 ? 8080 : 8081 }];
      await quietly(client.create(ri.pods, 'default', podManifest('default', name, { app }, random() < 0.5 ? 'node-1' : 'node-2', random() < 0.1 ? [] : ports)));
      if (random() < 0.9) await quietly(client.patchStatus(ri.pods, 'default', name, runningStatus(nextIP(), random() < 0.7), 'merge'));
    } else if (r < 0.65) {
      const name = pick();
      await quietly(client.patchStatus(ri.pods, 'default', name, { status: { conditions: [{ type: 'Ready', status: random() < 0.5 ? 'True' : 'False', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } }, 'merge'));
    } else if (r < 0.75) {
      await quietly(client.patch(ri.pods, 'default', pick(), { metadata: { labels: { app: apps[Math.floor(random() * apps.length)] } } }, 'merge'));
    } else if (r < 0.8) {
      // Graceful delete of a pod on a node: it stays, terminating, until its grace period is over.
      await quietly(client.delete(ri.pods, 'default', pick(), { gracePeriodSeconds: 30 }));
    } else {
      const i = Math.floor(random() * live.length);
      const [name] = live.splice(i, 1);
      await quietly(client.delete(ri.pods, 'default', name, { gracePeriodSeconds: 0 }));
    }
  };
  let started = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (started < ops) {
        started++;
        await one();
      }
    }),
  );
}

/** A slice's content as a multiset of lines: address type, port list, endpoint. */
function sliceLines(slices: readonly EndpointSlice[]): string[] {
  return slices.flatMap((s) => s.endpoints.map((e) => `${s.addressType} ${portKey(s.ports)} ${canonicalJson(e)}`)).sort();
}

function subsetLines(subsets: readonly EndpointSubset[] | undefined): string {
  const strip = (l: { targetRef?: object }[] | undefined) => l?.map((a) => ({ ...a, targetRef: a.targetRef ? { ...a.targetRef, resourceVersion: undefined } : undefined }));
  return canonicalJson((subsets ?? []).map((s) => ({ ...s, addresses: strip(s.addresses), notReadyAddresses: strip(s.notReadyAddresses) })));
}

async function mismatches(client: ApiClient): Promise<string[]> {
  const [svcs, pods, nodes, slices, endpoints] = await Promise.all([
    client.list(ri.services, 'default'),
    client.list(ri.pods, 'default'),
    client.list(ri.nodes),
    client.list<EndpointSlice>(ri.endpointSlices, 'default', { labelSelector: 'endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io' }),
    client.list<Endpoints>(ri.endpoints, 'default'),
  ]);
  const podInfos = pods.items.map(toPodInfo);
  const nodeInfos = new Map(nodes.items.map((n: KubeObject) => [n.metadata.name!, toNodeInfo(n)] as const));
  const problems: string[] = [];
  for (const svcObj of svcs.items) {
    const svc = toServiceInfo(svcObj);
    if (!svc.selector) continue;
    const selected = podInfos.filter((p) => selectorMatches(svc.selector!, p.labels));
    const fresh = reconcileEndpointSlices({ service: svc, pods: selected, nodes: nodeInfos, existing: [], maxEndpointsPerSlice: maxPerSlice });
    const actual = slices.items.filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.name);
    if (canonicalJson(sliceLines(actual)) !== canonicalJson(sliceLines(fresh.create))) problems.push(`slices of ${svc.name} differ`);
    if (actual.some((s) => s.endpoints.length > maxPerSlice)) problems.push(`a slice of ${svc.name} is over ${maxPerSlice}`);
    if (actual.length === 0) problems.push(`${svc.name} has no slice`);
    const ep = endpoints.items.find((e) => e.metadata.name === svc.name);
    const want = truncateSubsets(computeSubsets(svc, selected)).subsets;
    if (subsetLines(ep?.subsets) !== subsetLines(want)) problems.push(`endpoints of ${svc.name} differ`);
  }
  return problems;
}

test(`churn: ${ops} random pod operations, then slices and Endpoints equal a from-scratch computation`, { timeout: 300_000 }, async (t) => {
  const cluster = await startTestCluster();
  const { client } = cluster;
  const controllers = [startEndpointSliceController(client, { maxEndpointsPerSlice: maxPerSlice }), startEndpointsController(client)];
  t.after(async () => {
    await Promise.all(controllers.map((c) => c.stop()));
    await cluster.close();
  });
  await createNode(client, 'node-1', '192.0.2.10', { zone: 'zone-a' });
  await createNode(client, 'node-2', '192.0.2.11');
  for (const s of services) await client.create(ri.services, 'default', s as KubeObject);
  const seed = Number(process.env.CHURN_SEED ?? 20261123);
  const started = Date.now();
  await churn(client, seededRandom(seed));
  const churnMs = Date.now() - started;
  let problems: string[] = [];
  await waitFor(
    'slices and Endpoints to settle',
    async () => {
      await Promise.all(controllers.map((c) => c.idle()));
      problems = await mismatches(client);
      return problems.length === 0;
    },
    30_000,
  ).catch(() => assert.fail(`seed ${seed}: ${problems.join('; ')}`));
  const slices = await client.list<EndpointSlice>(ri.endpointSlices, 'default');
  const pods = await client.list(ri.pods, 'default');
  t.diagnostic(`${ops} ops in ${churnMs} ms; ${pods.items.length} pods left; ${slices.items.length} slices; settled ${Date.now() - started - churnMs} ms later`);
  assert.ok(pods.items.length > 50, 'the churn leaves a meaningful number of pods');
  // Terminating pods are in the slices with terminating=true, not in Endpoints.
  assert.ok(slices.items.some((s) => s.endpoints.some((e) => e.conditions.terminating)), 'some endpoints are terminating');

  // A restart of the controllers over settled state writes nothing.
  const versions = async () => {
    const [s, e] = await Promise.all([client.list(ri.endpointSlices, 'default'), client.list(ri.endpoints, 'default')]);
    return JSON.stringify([...s.items, ...e.items].map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.resourceVersion}`).sort());
  };
  const before = await versions();
  await Promise.all(controllers.splice(0).map((c) => c.stop()));
  controllers.push(startEndpointSliceController(client, { maxEndpointsPerSlice: maxPerSlice }), startEndpointsController(client));
  await Promise.all(controllers.map((c) => c.idle()));
  assert.equal(await versions(), before);
});
