/** The steps' checks judged on outputs as a real 1.32 cluster prints them, and the helpers under them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inCidr, tableRecords } from './checks.js';
import { endpointChain, serviceChain } from './kube-proxy-names.js';
import { defaultVars } from './runner.js';
import { matchesId, walkthroughSteps } from './steps.js';
import { fill, missingVars } from './template.js';
import type { Output, Step, Vars } from './types.js';

const out = (stdout: string, code = 0, stderr = ''): Output => ({ cmd: '', code, stdout, stderr, all: stderr + stdout, ms: 1 });
const step = (id: string): Step => walkthroughSteps.find((s) => s.id === id)!;
const vars: Vars = { ...defaultVars, clusterIP: '10.96.120.7', nodeAddress: '192.168.77.2', clientAddress: '192.168.77.1' };

test('kube-proxy chain names match upstream', () => {
  assert.equal(serviceChain('ns1/svc1:p80'), 'KUBE-SVC-XPGD46QRK7WJZT7O');
  assert.equal(endpointChain('ns1/svc1:p80', '10.180.0.1:80'), 'KUBE-SEP-SXIVWICOYRO3J4NJ');
  assert.equal(endpointChain('kube-system/kube-dns:dns', '10.244.0.5:53', 'udp'), 'KUBE-SEP-LPGSDLJ3FDW46N4W');
});

test('every walkthrough section has steps, ids are unique, and --only 6.1 picks 6.1a-d', () => {
  const ids = walkthroughSteps.map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const n of ['1.1', '1.2', '1.3', '2.1', '2.5', '3.6', '4.3', '5.4', '7.5', '8.2']) assert.ok(ids.some((i) => matchesId(i, n)), n);
  assert.deepEqual(ids.filter((i) => matchesId(i, '6.1')), ['6.1a', '6.1b', '6.1c', '6.1d']);
  assert.ok(!matchesId('10.1', '1'));
});

test('placeholders', () => {
  assert.equal(fill('curl http://{{podIP}}:{{port}}', { podIP: '10.244.0.5', port: '80' }), 'curl http://10.244.0.5:80');
  assert.deepEqual(missingVars("kubectl get svc -o jsonpath='{.spec.clusterIP}' {{x}}", {}), ['x']);
});

test('tables and CIDRs', () => {
  const rows = tableRecords('NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nkubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   5m\n');
  assert.equal(rows[0]['CLUSTER-IP'], '10.96.0.1');
  assert.ok(inCidr('10.111.2.3', '10.96.0.0/12'));
  assert.ok(!inCidr('10.112.0.1', '10.96.0.0/12'));
});

const pods = `NAME                     READY   STATUS    RESTARTS   AGE   IP            NODE    NOMINATED NODE   READINESS GATES
nginx-7854ff8877-2xk9p   1/1     Running   0          12s   10.244.0.5    node1   <none>           <none>
nginx-7854ff8877-5vfwm   1/1     Running   0          12s   10.244.0.6    node1   <none>           <none>
nginx-7854ff8877-b7r4d   1/1     Running   0          12s   10.244.0.7    node1   <none>           <none>
nginx-7854ff8877-hq2lx   1/1     Running   0          12s   10.244.0.8    node1   <none>           <none>
nginx-7854ff8877-zz8mc   1/1     Running   0          12s   10.244.0.9    node1   <none>           <none>
`;

test('1.2 wants five Running nginx pods with their own IPs, and says what it saw', () => {
  const ok = step('1.2').check([out(pods)], vars);
  assert.deepEqual(ok, { ok: true, vars: { podIP: '10.244.0.5', podName: 'nginx-7854ff8877-2xk9p', nodeName: 'node1' }, note: undefined });
  const pending = step('1.2').check([out(pods.replace('1/1     Running', '0/1     Pending'))], vars);
  assert.ok(!pending.ok && /expected 5 pods nginx-<hash>-<suffix> 1\/1 Running.*saw: NAME/.test(pending.reason));
});

test('2.4 wants three endpoints and "+ 2 more..."', () => {
  const describe = 'Name:              nginx\nSelector:          app=nginx\nEndpoints:         10.244.0.5:80,10.244.0.6:80,10.244.0.7:80 + 2 more...\n';
  assert.ok(step('2.4').check([out(describe)], vars).ok);
  assert.ok(!step('2.4').check([out(describe.replace(' + 2 more...', ''))], vars).ok);
});

const svcChain = serviceChain('default/nginx');
const sep = (ip: string) => endpointChain('default/nginx', `${ip}:80`);
const ips = ['10.244.0.5', '10.244.0.6', '10.244.0.7', '10.244.0.8', '10.244.0.9'];
const probabilities = ['0.20000000019', '0.25000000000', '0.33333333349', '0.50000000000'];

test('4.2 finds the masquerade mark and the jump to the KUBE-SVC chain kube-proxy would name', () => {
  const save = [
    `-A KUBE-SERVICES -d 10.96.120.7/32 -p tcp -m comment --comment "default/nginx cluster IP" -m tcp --dport 80 -j ${svcChain}`,
    `-A ${svcChain} ! -s 10.244.0.0/16 -d 10.96.120.7/32 -p tcp -m comment --comment "default/nginx cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ`,
  ].join('\n');
  assert.deepEqual(step('4.2').check([out(save)], vars), { ok: true, vars: { svcChain }, note: undefined });
  const wrong = step('4.2').check([out(save.replaceAll(svcChain, 'KUBE-SVC-AAAAAAAAAAAAAAAA'))], vars);
  assert.ok(!wrong.ok && wrong.reason.includes(svcChain));
});

test('4.3 checks equal shares and each endpoint chain', () => {
  const lines = ips.flatMap((ip, i) => [
    `-A ${svcChain} -m comment --comment "default/nginx -> ${ip}:80"${probabilities[i] ? ` -m statistic --mode random --probability ${probabilities[i]}` : ''} -j ${sep(ip)}`,
    `-A ${sep(ip)} -s ${ip}/32 -m comment --comment default/nginx -j KUBE-MARK-MASQ`,
    `-A ${sep(ip)} -p tcp -m comment --comment default/nginx -m tcp -j DNAT --to-destination ${ip}:80`,
  ]);
  const v = { ...vars, svcChain };
  assert.ok(step('4.3').check([out(lines.join('\n'))], v).ok);
  const unequal = step('4.3').check([out(lines.join('\n').replace('0.25000000000', '0.20000000019'))], v);
  assert.ok(!unequal.ok && /rule 2 of 5: expected probability 0.25000/.test(unequal.reason));
});

test('5.4 wants the exact node ports and Kubernetes\' refusal', () => {
  const refusal = 'The Service "kubia-nodeport-taken" is invalid: spec.ports[0].nodePort: Invalid value: 30123: provided port is already allocated\n';
  const outs = [
    out('service/kubia-nodeport created\n'),
    out('NAME             TYPE       CLUSTER-IP     EXTERNAL-IP   PORT(S)        AGE\nkubia-nodeport   NodePort   10.101.4.5     <none>        80:30123/TCP   0s\n'),
    out('service/influxdb created\n'),
    out('NAME       TYPE       CLUSTER-IP     EXTERNAL-IP   PORT(S)          AGE\ninfluxdb   NodePort   10.109.36.28   <none>        8086:30000/TCP   1s\n'),
    out('', 1, refusal),
  ];
  assert.ok(step('5.4').check(outs, vars).ok);
  outs[4] = out('service/kubia-nodeport-taken created\n');
  assert.ok(!step('5.4').check(outs, vars).ok);
});

test('8.1b wants one pod to answer every request', () => {
  const eps = out('10.244.0.20 10.244.0.21 10.244.0.22');
  const same = out("You've hit kubia-abc12-xyz98\n".repeat(10));
  assert.ok(step('8.1b').check([eps, same], vars).ok);
  const spread = out("You've hit kubia-abc12-xyz98\n".repeat(9) + "You've hit kubia-abc12-qqq11\n");
  assert.ok(!step('8.1b').check([eps, spread], vars).ok);
});
