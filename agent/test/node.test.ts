/**
 * Whole-node tests of the agent: a real API server (in-process fixture), the agent in a network
 * namespace made for the test, real pods (nginx, busybox) in their own namespaces.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiFixture, type ApiFixture } from '../../testing/api-fixture.js';
import { clientFromKubeconfig, type ApiClient } from '../../client/index.js';
import { findResource } from '../../api/resources.js';
import type { ResourceType } from '../../client/index.js';
import { canRunNodeTests, TestNode } from './netns-harness.js';
import { getPod, podManifest, podsRI, waitFor, waitReady } from './helpers.js';
import { kubeletExec, kubeletGet, type KubeletTarget } from './kubelet-client.js';
import type { Pod } from '../pod/types.js';

const skip = canRunNodeTests();
if (skip) process.stdout.write(`# agent node tests skipped: ${skip}\n`);

describe('agent on a test node', { skip, timeout: 240_000 }, () => {
  let fx: ApiFixture;
  let node: TestNode;
  let client: ApiClient;
  let nodeName: string;
  let kubelet: KubeletTarget;

  before(async () => {
    fx = await startApiFixture();
    node = new TestNode();
    await node.setup(Number(new URL(fx.server.url).port));
    client = await clientFromKubeconfig({ path: fx.server.kubeconfigPath });
    await node.startAgent(node.kubeconfigFor(fx.server.kubeconfigPath));
    nodeName = `node-${node.netns.slice(-6)}`;
    const token = readFileSync(join(fx.dataDir, 'pki', 'admin.token'), 'utf8').trim();
    kubelet = { host: node.nodeIP, port: 10250, token, connect: (h, p) => node.connectInside(h, p) };
  });

  after(async () => {
    await node?.close();
    client?.close();
    await fx?.close();
  });

  it('registers the node with a pod CIDR, conditions, kubelet endpoint and a lease', async () => {
    const n = await client.get(findResource('', 'v1', 'nodes')! as ResourceType, undefined, nodeName);
    const spec = n.spec as { podCIDR: string };
    assert.match(spec.podCIDR, /^10\.244\.\d+\.0\/24$/);
    const status = n.status as { conditions: { type: string; status: string }[]; daemonEndpoints: { kubeletEndpoint: { Port: number } }; nodeInfo: { kubeletVersion: string; containerRuntimeVersion: string }; addresses: { type: string; address: string }[] };
    assert.equal(status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(status.daemonEndpoints.kubeletEndpoint.Port, 10250);
    assert.equal(status.nodeInfo.kubeletVersion, 'v1.32.0');
    assert.equal(status.nodeInfo.containerRuntimeVersion, 'svcnet://0.1.0');
    assert.deepEqual(status.addresses[0], { type: 'InternalIP', address: node.nodeIP });
    const lease = await client.get(findResource('coordination.k8s.io', 'v1', 'leases')! as ResourceType, 'kube-node-lease', nodeName);
    assert.equal((lease.spec as { holderIdentity: string }).holderIdentity, nodeName);
  });

  it('runs nginx pods with their own addresses that answer HTTP', async () => {
    for (const name of ['web-1', 'web-2']) {
      await client.create(podsRI, 'default', podManifest(name, nodeName, { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] }));
    }
    const pods = await Promise.all(['web-1', 'web-2'].map((n) => waitReady(client, n)));
    const ips = pods.map((p) => p.status!.podIP!);
    assert.notEqual(ips[0], ips[1]);
    for (const ip of ips) assert.match(ip, /^10\.244\.\d+\.\d+$/);
    const st = pods[0].status!;
    assert.equal(st.phase, 'Running');
    assert.equal(st.hostIP, node.nodeIP);
    const cs = st.containerStatuses![0];
    assert.equal(cs.ready, true);
    assert.equal(cs.started, true);
    assert.match(cs.containerID!, /^svcnet:\/\//);
    assert.equal(cs.image, 'docker.io/library/nginx:1.27');
    assert.ok(cs.state.running?.startedAt);
    const curl = await waitFor('nginx answering', () => {
      const r = node.run('curl', ['-sv', '--max-time', '2', `http://${ips[0]}/`]);
      return r.code === 0 ? r : undefined;
    }, 10_000, 200);
    assert.match(curl.stderr, /< HTTP\/1\.1 200 OK/);
    assert.match(curl.stderr, /< Server: nginx\/\d/);
    assert.match(curl.stdout, /Welcome to nginx/);
  });

  it('shows pods in kubectl get -o wide and describe as a real cluster does', async () => {
    const get = await fx.kubectl(['get', 'pods', 'web-1', '-o', 'wide']);
    assert.equal(get.code, 0, get.stderr);
    const row = get.stdout.trim().split('\n')[1].split(/\s{2,}/);
    assert.deepEqual(row.slice(0, 5), ['web-1', '1/1', 'Running', '0', row[4]]);
    assert.match(row[5], /^10\.244\./);
    assert.equal(row[6], nodeName);
    // Events go out once the agent's status writes are quiet: wait for them rather than for Ready alone.
    const describe = await waitFor('describe with the Started event', async () => {
      const r = await fx.kubectl(['describe', 'pod', 'web-1']);
      return /Normal\s+Started\s+\S+\s+kubelet\s+Started container nginx/.test(r.stdout) ? r : undefined;
    }, 15_000, 300);
    assert.equal(describe.code, 0, describe.stderr);
    assert.match(describe.stdout, /Container ID:\s+svcnet:\/\//);
    assert.match(describe.stdout, /State:\s+Running/);
    assert.match(describe.stdout, /Ready\s+True/);
    assert.match(describe.stdout, /Normal\s+Started\s+\S+\s+kubelet\s+Started container nginx/);
    const node = await fx.kubectl(['describe', 'node', nodeName]);
    assert.equal(node.code, 0, node.stderr);
    assert.match(node.stdout, /PodCIDR:\s+10\.244\./);
    assert.match(node.stdout, /Container Runtime Version:\s+svcnet:\/\/0\.1\.0/);
  });

  it('gives ClusterFirst pods the cluster resolv.conf, hosts and hostname; exec reports exit codes', async () => {
    await client.create(podsRI, 'default', podManifest('pod', nodeName, { containers: [{ name: 'pod', image: 'alpine', command: ['sleep', 'infinity'], env: [{ name: 'MY_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'GREETING', value: 'hi $(MY_POD)' }] }] }));
    const pod = await waitReady(client, 'pod');
    const resolv = await kubeletExec(kubelet, 'default', 'pod', 'pod', ['cat', '/etc/resolv.conf'], { tty: true, size: { Width: 100, Height: 30 } });
    assert.match(resolv.stdout, /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
    assert.match(resolv.stdout, /nameserver 10\.96\.0\.10/);
    assert.match(resolv.stdout, /options ndots:5/);
    assert.equal(resolv.status?.status, 'Success');
    assert.equal(resolv.closeCode, 1000);
    const hosts = await kubeletExec(kubelet, 'default', 'pod', 'pod', ['sh', '-c', 'hostname; cat /etc/hosts; echo $GREETING $HOSTNAME; echo oops >&2; exit 3']);
    assert.match(hosts.stdout, /^pod\n/);
    assert.match(hosts.stdout, new RegExp(`${pod.status!.podIP!.replace(/\./g, '\\.')}\\tpod`));
    assert.match(hosts.stdout, /hi pod pod/);
    assert.equal(hosts.stderr, 'oops\n');
    assert.equal(hosts.status?.reason, 'NonZeroExitCode');
    assert.deepEqual(hosts.status?.details?.causes, [{ reason: 'ExitCode', message: '3' }]);
    const segv = await kubeletExec(kubelet, 'default', 'pod', 'pod', ['sh', '-c', 'kill -SEGV $$']);
    assert.deepEqual(segv.status?.details?.causes, [{ reason: 'ExitCode', message: '139' }], 'a signal death is 128 + its number');
    const stdin = await kubeletExec(kubelet, 'default', 'pod', 'pod', ['cat'], { stdin: 'from stdin\n' });
    assert.equal(stdin.stdout, 'from stdin\n');
    const tty = await kubeletExec(kubelet, 'default', 'pod', 'pod', ['sh', '-c', 'stty size'], { tty: true, size: { Width: 120, Height: 40 } });
    assert.match(tty.stdout, /40 120/);
  });

  it('serves logs, with follow, timestamps and tail', async () => {
    await client.create(podsRI, 'default', podManifest('logger', nodeName, { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'for i in 1 2 3; do echo line $i; done; echo err >&2; while true; do sleep 0.3; echo tick; done'] }] }));
    await waitReady(client, 'logger');
    const all = await waitFor('log lines', async () => {
      const r = await kubeletGet(kubelet, '/containerLogs/default/logger/c');
      return r.body.includes('line 3') && r.body.includes('err') ? r : undefined;
    });
    assert.equal(all.status, 200);
    // stdout and stderr are separate files (pipes in containerd), so where `err` lands between
    // them is up to scheduling, as in Kubernetes; within a stream the order is kept.
    assert.match(all.body.replace('err\n', ''), /^line 1\nline 2\nline 3\n/);
    assert.equal(all.body.split('err\n').length, 2, 'the stderr line appears once');
    const tail = await kubeletGet(kubelet, '/containerLogs/default/logger/c?tailLines=1&timestamps=true');
    assert.match(tail.body, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \S+\n$/);
    const abort = new AbortController();
    let streamed = '';
    const follow = kubeletGet(kubelet, '/containerLogs/default/logger/c?follow=true&tailLines=0', (d) => (streamed += d), abort.signal);
    await waitFor('followed ticks', () => (streamed.split('tick').length > 2 ? true : undefined), 10_000);
    abort.abort();
    await follow;
    const bad = await kubeletGet(kubelet, '/containerLogs/default/logger/nope');
    assert.equal(bad.status, 400);
  });

  it('restarts a crashing container with CrashLoopBackOff, previous logs and lastState', async () => {
    await client.create(podsRI, 'default', podManifest('crasher', nodeName, { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo run; exit 2'] }] }));
    const p = await waitFor('CrashLoopBackOff', async () => {
      const pod = await getPod(client, 'crasher');
      const cs = pod?.status?.containerStatuses?.[0];
      return cs?.state.waiting?.reason === 'CrashLoopBackOff' ? pod : undefined;
    }, 30_000);
    const cs = p.status!.containerStatuses![0];
    assert.ok(cs.restartCount >= 1);
    assert.equal(cs.lastState.terminated?.exitCode, 2);
    assert.equal(cs.lastState.terminated?.reason, 'Error');
    assert.equal(p.status!.phase, 'Running');
    const prev = await kubeletGet(kubelet, '/containerLogs/default/crasher/c?previous=true');
    assert.equal(prev.body, 'run\n');
  });

  it('reports Succeeded for a completed restartPolicy Never pod and Failed for a failed one', async () => {
    await client.create(podsRI, 'default', podManifest('done-ok', nodeName, { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] }));
    await client.create(podsRI, 'default', podManifest('done-bad', nodeName, { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['false'] }] }));
    const ok = await waitFor('Succeeded', async () => ((await getPod(client, 'done-ok'))?.status?.phase === 'Succeeded' ? getPod(client, 'done-ok') : undefined));
    assert.equal(ok!.status!.containerStatuses![0].state.terminated?.reason, 'Completed');
    await waitFor('Failed', async () => ((await getPod(client, 'done-bad'))?.status?.phase === 'Failed' ? true : undefined));
  });

  it('flips Ready with a readiness probe', async () => {
    const probe = { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 };
    await client.create(podsRI, 'default', podManifest('probed', nodeName, { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], readinessProbe: probe }] }));
    await waitFor('running but not ready', async () => {
      const p = await getPod(client, 'probed');
      return p?.status?.containerStatuses?.[0]?.state.running && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'False' ? true : undefined;
    });
    await kubeletExec(kubelet, 'default', 'probed', 'c', ['touch', '/tmp/ready']);
    await waitReady(client, 'probed', 10_000);
    await kubeletExec(kubelet, 'default', 'probed', 'c', ['rm', '/tmp/ready']);
    await waitFor('not ready again', async () => ((await getPod(client, 'probed'))?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False' ? true : undefined), 10_000);
  });

  it('runs the echo server and kubia stand-ins', async () => {
    await client.create(podsRI, 'default', podManifest('echo', nodeName, { containers: [{ name: 'c', image: 'gcr.io/k8s-staging-gateway-api/echo-basic:v20240412', env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] }));
    await client.create(podsRI, 'default', podManifest('kubia', nodeName, { containers: [{ name: 'c', image: 'luksa/kubia' }] }));
    const [echo, kubia] = await Promise.all([waitReady(client, 'echo'), waitReady(client, 'kubia')]);
    const e = await waitFor('echo answers', () => {
      const r = node.run('curl', ['-s', '--max-time', '2', '-H', 'Host: foo.example', `http://${echo.status!.podIP}:3000/some/path?q=1`]);
      return r.code === 0 ? r : undefined;
    }, 10_000, 200);
    const body = JSON.parse(e.stdout) as { pod: string; namespace: string; path: string; host: string; method: string; podIP: string };
    assert.deepEqual([body.pod, body.namespace, body.path, body.host, body.method, body.podIP], ['echo', 'default', '/some/path?q=1', 'foo.example', 'GET', echo.status!.podIP]);
    const k = await waitFor('kubia answers', () => {
      const r = node.run('curl', ['-s', '--max-time', '2', `http://${kubia.status!.podIP}:8080/`]);
      return r.code === 0 ? r : undefined;
    }, 10_000, 200);
    assert.equal(k.stdout, "You've hit kubia\n");
  });

  it('answers busybox wget in a pod from the echo server, sized and every time', async () => {
    // Walkthrough 8.2 (busybox wget in a pod against the echo server) failed now and then.
    await client.create(podsRI, 'default', podManifest('echo-8443', nodeName, { containers: [{ name: 'c', image: 'ingressconformance/echoserver', env: [{ name: 'HTTP_PORT', value: '8443' }], ports: [{ containerPort: 8443 }] }] }));
    await client.create(podsRI, 'default', podManifest('wget-client', nodeName, { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    const [echo] = await Promise.all([waitReady(client, 'echo-8443'), waitReady(client, 'wget-client')]);
    const url = `http://${echo.status!.podIP}:8443/`;
    const headers = await waitFor('echo answers wget', async () => {
      const r = await kubeletExec(kubelet, 'default', 'wget-client', 'c', ['wget', '-S', '-q', '-O', '/dev/null', url]);
      return r.status?.status === 'Success' ? r.stderr : undefined;
    }, 10_000, 200);
    assert.match(headers, /Content-Length: \d+/);
    assert.doesNotMatch(headers, /Transfer-Encoding/);
    const loop = await kubeletExec(kubelet, 'default', 'wget-client', 'c', ['sh', '-c', `for i in $(seq 200); do out=$(wget -q -O - ${url}); echo "rc=$?"; case "$out" in *'"httpPort": "8443"'*) echo whole;; *) echo short;; esac; done | sort | uniq -c`]);
    assert.equal(loop.stdout.trim().split('\n').map((l) => l.trim()).join(' | '), '200 rc=0 | 200 whole');
  });

  it('leaves an unknown image waiting with ErrImagePull and a Warning event', async () => {
    await client.create(podsRI, 'default', podManifest('mystery', nodeName, { containers: [{ name: 'c', image: 'example.com/mystery:1' }] }));
    const p = await waitFor('image pull error', async () => {
      const pod = await getPod(client, 'mystery');
      return /ErrImagePull|ImagePullBackOff/.test(pod?.status?.containerStatuses?.[0]?.state.waiting?.reason ?? '') ? pod : undefined;
    });
    assert.match(p.status!.containerStatuses![0].state.waiting!.message!, /images\.yaml/);
    // Events follow the status writes (agent/pods/events.ts).
    await waitFor('the Failed event', async () => {
      const events = await client.list(findResource('', 'v1', 'events')! as ResourceType, 'default');
      return events.items.some((e) => (e as { reason?: string }).reason === 'Failed' && /image catalog/.test((e as { message?: string }).message ?? '')) || undefined;
    }, 15_000, 200);
  });

  it('terminates gracefully: SIGTERM, grace period, then the pod is deleted', async () => {
    const script = 'trap "echo got TERM; exit 0" TERM; while true; do sleep 0.1; done';
    await client.create(podsRI, 'default', podManifest('graceful', nodeName, { terminationGracePeriodSeconds: 5, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', script] }] }));
    const pod = await waitReady(client, 'graceful');
    // The namespace is named by the pod's record: a hash of its UID, or that of the pooled sandbox it took.
    const hash = node.recordedHash(pod.metadata.uid!);
    assert.ok(hash && node.run('ip', ['netns', 'list']).stdout.includes(`svcnet-${hash}`), 'the pod has its namespace');
    const started = Date.now();
    await client.delete(podsRI, 'default', 'graceful');
    await waitFor('pod gone', async () => ((await getPod(client, 'graceful')) ? undefined : true), 20_000);
    assert.ok(Date.now() - started < 4_000, 'a process that exits on SIGTERM does not wait for the grace period');
    await waitFor('netns removed', () => (node.run('ip', ['netns', 'list']).stdout.includes(`svcnet-${hash}`) ? undefined : true), 5_000);
  });

  it('runs hostNetwork pods in the node namespace with the node IP', async () => {
    await client.create(podsRI, 'default', podManifest('hostnet', nodeName, { hostNetwork: true, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    const p = await waitReady(client, 'hostnet');
    assert.equal(p.status!.podIP, node.nodeIP);
    const r = await kubeletExec(kubelet, 'default', 'hostnet', 'c', ['ip', 'addr', 'show', 'eth0']);
    assert.match(r.stdout, new RegExp(node.nodeIP.replace(/\./g, '\\.')));
  });

  it('adopts running pods after an agent restart', async () => {
    const before = (await getPod(client, 'web-1'))!;
    await node.stopAgent();
    await node.startAgent(node.kubeconfigFor(fx.server.kubeconfigPath));
    const r = node.run('curl', ['-s', '--max-time', '2', `http://${before.status!.podIP}/`]);
    assert.match(r.stdout, /Welcome to nginx/);
    const after = await waitReady(client, 'web-1');
    assert.equal(after.status!.containerStatuses![0].restartCount, 0);
    assert.equal(after.status!.podIP, before.status!.podIP);
    const ex = await kubeletExec(kubelet, 'default', 'pod', 'pod', ['echo', 'still here']);
    assert.equal(ex.stdout, 'still here\n');
  });
});

export type { Pod };
