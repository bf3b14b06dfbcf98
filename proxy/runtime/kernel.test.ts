/**
 * Real-kernel tests: the proxy watches a real API server (testing/api-fixture.ts) and programs a
 * node namespace made by the test; "pods" are namespaces on a bridge with a tiny HTTP server.
 * The same traffic cases run in iptables and nftables mode.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApiFixture, type ApiFixture } from '../../testing/api-fixture.js';
import { loadConnection } from '../../client/kubeconfig.js';
import { ApiClient } from '../../client/rest.js';
import { hostRunner } from '../apply/runner.js';
import { setLogSink } from '../../common/log.js';
import { cleanupProxyRules, startProxy, type RunningProxy } from './index.js';
import { chiSquareCritical001, chiSquareUniform, Lab, labClientIP, labNodeIP, labPodCIDR, waitUntil, type Pod } from './testing/lab.js';
import { createAll, nodeObject, serviceObject, servicesResource, sliceObject, sliceResource } from './testing/cluster-objects.js';

const skip = Lab.canRun();
if (skip) console.log(`# skipping proxy kernel tests: ${skip}`);
if (!process.env.SVCNET_TEST_LOGS) setLogSink(() => {});

const nodeName = 'svcnet-pt-node';

interface ClusterIPs {
  nginx: string;
  empty: string;
  sticky: string;
  web: string;
  webNodePort: number;
  local: string;
  localNodePort: number;
  localHealthPort: number;
  dns: string;
}

let api: ApiFixture;
let client: ApiClient;
let ips: ClusterIPs;

async function clusterSetUp(): Promise<void> {
  api = await startApiFixture();
  client = new ApiClient(await loadConnection({ path: api.server.kubeconfigPath }));
  const pod = (i: number) => `10.244.0.${10 + i}`;
  const created = await createAll(client, [
    nodeObject(nodeName, labNodeIP),
    serviceObject('nginx', { selector: { app: 'nginx' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }),
    sliceObject('nginx', [0, 1, 2, 3, 4].map((i) => ({ ip: pod(i), nodeName }))),
    serviceObject('empty', { selector: { app: 'none' }, ports: [{ port: 80, targetPort: 8080 }] }),
    serviceObject('sticky', { selector: { app: 'nginx' }, sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 8080 }] }),
    sliceObject('sticky', [0, 1, 2].map((i) => ({ ip: pod(i), nodeName }))),
    serviceObject('web', { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }),
    sliceObject('web', [3, 4].map((i) => ({ ip: pod(i), nodeName }))),
    // eTP=Local: pod 0 runs "here", pod 1 on another node; external traffic may only reach pod 0.
    serviceObject('local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'local' }, ports: [{ port: 80, targetPort: 8080 }] }),
    sliceObject('local', [{ ip: pod(0), nodeName }, { ip: pod(1), nodeName: 'elsewhere' }]),
    serviceObject('dns', { selector: { app: 'dns' }, ports: [{ port: 53, targetPort: 8080, protocol: 'UDP' }] }),
    sliceObject('dns', [{ ip: pod(2), nodeName }], { protocol: 'UDP' }),
  ]);
  const spec = (name: string) => (created.find((o) => o.kind === 'Service' && o.metadata.name === name) as unknown as { spec: { clusterIP: string; ports: Array<{ nodePort?: number }>; healthCheckNodePort?: number } }).spec;
  ips = {
    nginx: spec('nginx').clusterIP,
    empty: spec('empty').clusterIP,
    sticky: spec('sticky').clusterIP,
    web: spec('web').clusterIP,
    webNodePort: spec('web').ports[0]!.nodePort!,
    local: spec('local').clusterIP,
    localNodePort: spec('local').ports[0]!.nodePort!,
    localHealthPort: spec('local').healthCheckNodePort!,
    dns: spec('dns').clusterIP,
  };
}

describe('proxy in the kernel', { skip }, () => {
  before(clusterSetUp);
  after(async () => {
    await api?.close();
  });

  for (const mode of ['iptables', 'nftables'] as const) {
    describe(`${mode} mode`, () => {
      const lab = new Lab();
      let proxy: RunningProxy;
      let clientPod: Pod;

      before(async () => {
        lab.setUp();
        for (let i = 0; i < 5; i++) await lab.addPod(`nginx-${i}`);
        clientPod = await lab.addPod('client');
        proxy = await startProxy({
          kubeconfig: api.server.kubeconfigPath,
          mode,
          nodeName,
          clusterCIDR: labPodCIDR,
          netns: lab.nodeNs,
          healthzListen: '127.0.0.1:0',
          metricsListen: '127.0.0.1:0',
          healthCheckBindAddress: '127.0.0.1',
          minSyncPeriodMs: 100,
          syncPeriodMs: 1000,
        });
        await proxy.syncedOnce();
      });
      after(async () => {
        await proxy?.close();
        await lab.close();
      });

      test('a cluster IP spreads connections evenly over every endpoint, from the node and from a pod', async () => {
        for (const ns of [lab.nodeNs, clientPod.ns]) {
          const tally = await lab.http(ns, ips.nginx, 80, 500);
          assert.deepEqual(tally.errors, {});
          const counts = [0, 1, 2, 3, 4].map((i) => tally.answers[`nginx-${i}`] ?? 0);
          const chi2 = chiSquareUniform(counts);
          assert.ok(chi2 < chiSquareCritical001[3]!, `uneven split ${counts.join('/')} (chi-square ${chi2.toFixed(2)})`);
        }
      });

      test('ping to a cluster IP gets no answer', async () => {
        const r = await lab.execAsync(lab.nodeNs, 'busybox', ['ping', '-c', '1', '-W', '1', ips.nginx]);
        assert.notEqual(r.code, 0, r.stdout);
      });

      test('a node port answers on the node address, from the node and from outside', async () => {
        for (const ns of [lab.nodeNs, lab.clientNs]) {
          const tally = await lab.http(ns, labNodeIP, ips.webNodePort, 20);
          assert.deepEqual(tally.errors, {});
          assert.deepEqual(Object.keys(tally.answers).sort(), ['nginx-3', 'nginx-4']);
        }
      });

      test('a Service without endpoints refuses at once', async () => {
        const tally = await lab.http(lab.nodeNs, ips.empty, 80, 1, 3000);
        assert.deepEqual(tally.errors, { ECONNREFUSED: 1 });
        assert.ok(tally.ms[0]! < 500, `took ${tally.ms[0]} ms`);
      });

      test('ClientIP affinity keeps every connection of a client on one endpoint', async () => {
        const tally = await lab.http(clientPod.ns, ips.sticky, 80, 30);
        assert.deepEqual(tally.errors, {});
        assert.equal(Object.keys(tally.answers).length, 1, JSON.stringify(tally.answers));
      });

      test('externalTrafficPolicy Local keeps the client address and uses only local endpoints', async () => {
        const tally = await lab.http(lab.clientNs, labNodeIP, ips.localNodePort, 20);
        assert.deepEqual(tally.errors, {});
        assert.deepEqual(tally.answers, { 'nginx-0': 20 });
        assert.deepEqual(tally.sources, { [labClientIP]: 20 });
      });

      test('eTP=Cluster node port traffic from outside is masqueraded', async () => {
        const tally = await lab.http(lab.clientNs, labNodeIP, ips.webNodePort, 5);
        assert.deepEqual(Object.keys(tally.sources), ['10.244.0.1']);
      });

      test('the health check node port reports the local endpoint count', async () => {
        const res = await fetch(`http://127.0.0.1:${ips.localHealthPort}/`);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'application/json');
        const body = (await res.json()) as { service: { namespace: string; name: string }; localEndpoints: number; serviceProxyHealthy: boolean };
        assert.deepEqual(body, { service: { namespace: 'default', name: 'local' }, localEndpoints: 1, serviceProxyHealthy: true });
      });

      test('healthz and metrics answer as kube-proxy', async () => {
        const res = await fetch(`http://127.0.0.1:${proxy.ports.healthz}/healthz`);
        assert.equal(res.status, 200);
        const body = (await res.json()) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body), ['lastUpdated', 'currentTime', 'nodeEligible']);
        assert.equal(body.nodeEligible, true);
        const metrics = await (await fetch(`http://127.0.0.1:${proxy.ports.metrics}/metrics`)).text();
        for (const name of ['kubeproxy_sync_proxy_rules_duration_seconds_count', 'kubeproxy_network_programming_duration_seconds_count', 'kubeproxy_sync_proxy_rules_last_timestamp_seconds']) {
          assert.match(metrics, new RegExp(`^${name} [1-9]`, 'm'), name);
        }
        if (mode === 'iptables') assert.match(metrics, /^kubeproxy_sync_proxy_rules_iptables_total\{table="nat"\} [1-9]/m);
      });

      if (mode === 'iptables') {
        test('iptables-save shows the walkthrough rules for default/nginx', () => {
          const save = lab.exec(lab.nodeNs, 'iptables-save', ['-t', 'nat']);
          const clusterIPRules = save.split('\n').filter((l) => l.includes('"default/nginx cluster IP"'));
          assert.equal(clusterIPRules.length, 2, clusterIPRules.join('\n'));
          assert.ok(clusterIPRules.some((l) => /^-A KUBE-SERVICES .* -j KUBE-SVC-[A-Z2-7]{16}$/.test(l)));
          assert.ok(clusterIPRules.some((l) => /^-A KUBE-SVC-[A-Z2-7]{16} ! -s 10\.244\.0\.0\/16 .* -j KUBE-MARK-MASQ$/.test(l)));
          const svcChain = /-j (KUBE-SVC-[A-Z2-7]{16})$/.exec(clusterIPRules.find((l) => l.startsWith('-A KUBE-SERVICES'))!)![1]!;
          const svcRules = save.split('\n').filter((l) => l.startsWith(`-A ${svcChain} `) && l.includes('KUBE-SEP-'));
          const probabilities = svcRules.map((l) => /--probability (\S+)/.exec(l)?.[1]);
          assert.deepEqual(probabilities, ['0.20000000019', '0.25000000000', '0.33333333349', '0.50000000000', undefined]);
          for (const rule of svcRules) {
            const sep = /-j (KUBE-SEP-[A-Z2-7]{16})$/.exec(rule)![1]!;
            assert.match(save, new RegExp(`^-A ${sep} -p tcp -m comment --comment "default/nginx" -m tcp -j DNAT --to-destination 10\\.244\\.0\\.1[0-4]:8080$`, 'm'));
            assert.match(save, new RegExp(`^-A ${sep} -s 10\\.244\\.0\\.1[0-4]/32 -m comment --comment "default/nginx" -j KUBE-MARK-MASQ$`, 'm'));
          }
        });

        test('rules someone flushed come back with the periodic resync', async () => {
          lab.exec(lab.nodeNs, 'iptables', ['-t', 'nat', '-F', 'KUBE-SERVICES']);
          lab.exec(lab.nodeNs, 'iptables', ['-t', 'mangle', '-X', 'KUBE-PROXY-CANARY']);
          // The KUBE-SVC chain still has a "cluster IP" rule; only the dispatch rule tells it is back.
          await waitUntil('rules restored', () => /^-A KUBE-SERVICES .*"default\/nginx cluster IP"/m.test(lab.exec(lab.nodeNs, 'iptables-save', ['-t', 'nat'])), 10_000, 200);
          const tally = await lab.http(lab.nodeNs, ips.nginx, 80, 5);
          assert.deepEqual(tally.errors, {});
        });
      } else {
        test('nft lists the service in the kube-proxy table', () => {
          const out = lab.exec(lab.nodeNs, 'nft', ['list', 'map', 'ip', 'kube-proxy', 'service-ips']);
          assert.match(out, new RegExp(`${ips.nginx.replace(/\./g, '\\.')} \\. tcp \\. 80 : goto service-[A-Z2-7]{8}-default/nginx/tcp/`));
        });

        test('a deleted kube-proxy table comes back with the periodic resync', async () => {
          lab.exec(lab.nodeNs, 'nft', ['delete', 'table', 'ip', 'kube-proxy']);
          await waitUntil('table restored', async () => (await lab.execAsync(lab.nodeNs, 'nft', ['list', 'chain', 'ip', 'kube-proxy', 'services'])).code === 0, 10_000, 200);
          const tally = await lab.http(lab.nodeNs, ips.nginx, 80, 5);
          assert.deepEqual(tally.errors, {});
        });
      }

      test('a UDP flow follows an endpoint change (stale conntrack entry deleted)', async () => {
        const srcPort = mode === 'iptables' ? 40001 : 40002;
        assert.equal(await lab.udp(lab.nodeNs, ips.dns, 53, srcPort), 'nginx-2');
        await client.update(sliceResource, 'default', { ...((await client.get(sliceResource, 'default', 'dns-svcnet')) as object), endpoints: [{ addresses: ['10.244.0.13'], conditions: { ready: true }, nodeName }] } as never);
        // Same source port: without the conntrack cleanup this flow would stay DNATed to nginx-2.
        await waitUntil('UDP answered by the new endpoint', async () => (await lab.udp(lab.nodeNs, ips.dns, 53, srcPort)) === 'nginx-3');
        await client.update(sliceResource, 'default', { ...((await client.get(sliceResource, 'default', 'dns-svcnet')) as object), endpoints: [{ addresses: ['10.244.0.12'], conditions: { ready: true }, nodeName }] } as never);
      });

      test('an endpoint change and a deleted Service reach the kernel', async () => {
        await client.update(sliceResource, 'default', { ...((await client.get(sliceResource, 'default', 'web-svcnet')) as object), endpoints: [{ addresses: ['10.244.0.14'], conditions: { ready: true } }] } as never);
        await waitUntil('endpoint removed', async () => {
          const t = await lab.http(lab.nodeNs, ips.web, 80, 10);
          return JSON.stringify(t.answers) === JSON.stringify({ 'nginx-4': 10 });
        });
        await client.delete(servicesResource, 'default', 'web');
        await waitUntil('service rules removed', () => {
          const text = mode === 'iptables' ? lab.exec(lab.nodeNs, 'iptables-save', []) : lab.exec(lab.nodeNs, 'nft', ['list', 'table', 'ip', 'kube-proxy']);
          return !text.includes('default/web');
        });
        const tally = await lab.http(lab.nodeNs, ips.web, 80, 1, 1000);
        assert.deepEqual(tally.answers, {});
        // Put it back for the other mode.
        await client.create(servicesResource, 'default', serviceObject('web', { type: 'NodePort', clusterIP: ips.web, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, nodePort: ips.webNodePort }] }));
        await client.update(sliceResource, 'default', { ...((await client.get(sliceResource, 'default', 'web-svcnet')) as object), endpoints: [3, 4].map((i) => ({ addresses: [`10.244.0.1${i}`], conditions: { ready: true }, nodeName })) } as never);
      });

      if (mode === 'nftables') {
        test('the partial syncs above reached the kernel as netlink batches (when the addon is built)', { skip: hostRunner().sendNftBatch ? undefined : 'no nf_tables netlink addon' }, () => {
          const m = /svcnet_proxy_nftables_transactions_total\{path="netlink"\} (\d+)/.exec(proxy.metrics.render());
          assert.ok(m && Number(m[1]) > 0, proxy.metrics.render().split('\n').filter((l) => l.includes('nftables_transactions')).join('\n'));
        });
      }

      test('--cleanup removes every chain, jump rule and the nftables table', async () => {
        await proxy.close();
        await cleanupProxyRules({ netns: lab.nodeNs });
        const save = lab.exec(lab.nodeNs, 'iptables-save', []);
        assert.doesNotMatch(save, /KUBE-/);
        assert.doesNotMatch(lab.exec(lab.nodeNs, 'nft', ['list', 'tables']), /kube-proxy/);
      });
    });
  }
});
