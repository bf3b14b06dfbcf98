/** `svcnet proxy render` and the IPVS refusal, against a real API server. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApiFixture, type ApiFixture } from '../../testing/api-fixture.js';
import { loadConnection } from '../../client/kubeconfig.js';
import { ApiClient } from '../../client/rest.js';
import { runProxy } from '../../cli/proxy-command.js';
import { ipvsAvailable } from './index.js';
import { createAll, nodeObject, serviceObject, sliceObject } from './testing/cluster-objects.js';

let api: ApiFixture;

before(async () => {
  api = await startApiFixture();
  const client = new ApiClient(await loadConnection({ path: api.server.kubeconfigPath }));
  await createAll(client, [
    nodeObject('node-a', '192.0.2.10'),
    serviceObject('nginx', { type: 'NodePort', selector: { app: 'nginx' }, ports: [{ port: 80, targetPort: 8080 }] }),
    sliceObject('nginx', ['10.244.0.10', '10.244.0.11'].map((ip) => ({ ip, nodeName: 'node-a' }))),
  ]);
});
after(() => api?.close());

async function capture(fn: (out: { write(text: string): unknown }) => Promise<number>): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await fn({ write: (t: string) => (out += t) });
  return { code, out };
}

const base = () => ['--kubeconfig', api.server.kubeconfigPath, '--hostname-override', 'node-a', '--cluster-cidr', '10.244.0.0/16'];

test('render --mode iptables prints the restore input', async () => {
  const { code, out } = await capture((o) => runProxy(['render', ...base(), '--mode', 'iptables'], o));
  assert.equal(code, 0);
  assert.match(out, /^\*filter\n/);
  assert.match(out, /^-A KUBE-SERVICES -m comment --comment "default\/nginx cluster IP" -m tcp -p tcp -d \S+ --dport 80 -j KUBE-SVC-/m);
  assert.match(out, /--probability 0\.5000000000 -j KUBE-SEP-/);
  assert.match(out, /-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000/);
});

test('render --mode nftables prints the transaction, NodePorts on the node address', async () => {
  const { out } = await capture((o) => runProxy(['render', ...base(), '--mode', 'nftables'], o));
  assert.match(out, /^add table ip kube-proxy/);
  assert.match(out, /add element ip kube-proxy nodeport-ips \{ 192\.0\.2\.10 \}/);
});

test('render --mode ipvs prints the ipvsadm table', async () => {
  const { out } = await capture((o) => runProxy(['render', ...base(), '--mode', 'ipvs'], o));
  assert.match(out, /^IP Virtual Server version/);
  assert.match(out, /-> 10\.244\.0\.10:8080 +Masq +1/);
});

test('--mode ipvs without IPVS in the kernel exits with a clear message', { skip: ipvsAvailable() ? 'this kernel has IPVS' : false }, async () => {
  await assert.rejects(runProxy(['--kubeconfig', api.server.kubeconfigPath, '--mode', 'ipvs']), /--mode ipvs cannot run: this kernel has no IPVS/);
});

test('bad flags are refused', async () => {
  await assert.rejects(runProxy(['--mode', 'userspace']), /--mode must be iptables, nftables or ipvs/);
  await assert.rejects(runProxy(['--min-sync-period', 'soon']), /--min-sync-period must be a duration/);
  await assert.rejects(runProxy(['--nft-netlink', 'yes']), /--nft-netlink must be auto or off/);
});
