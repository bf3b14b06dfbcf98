/**
 * The real kubectl (v1.32, fresh HOME and KUBECACHEDIR) against svcnet's API server, row by row
 * through shared/reference/kube-api.md §11. Where a row needs controllers or a node agent (pod
 * status, deployment status), the test writes that state itself through the API, as KWOK does, so
 * each row shows exactly what the API server contributes.
 */
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultFixturesDir } from '../../demo/paths.js';
import { kubectlAvailable, startApiFixture, tableRows, type ApiFixture } from '../../testing/api-fixture.js';
import * as m from './testdata/manifests.js';

const skip = kubectlAvailable() ? false : 'kubectl is not installed (apt-get install kubectl or see README)';
let f: ApiFixture;

before(async () => {
  if (!skip) f = await startApiFixture();
});
after(async () => {
  await f?.close();
});

async function ok(args: string, input?: string): Promise<string> {
  const r = await f.kubectl(args, { input });
  assert.equal(r.code, 0, `kubectl ${args} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function fails(args: string, input?: string): Promise<string> {
  const r = await f.kubectl(args, { input });
  assert.notEqual(r.code, 0, `kubectl ${args} should fail, printed:\n${r.stdout}`);
  return r.stderr.trim();
}

test('kubectl against svcnet (reference §11)', { skip, timeout: 240_000 }, async (t) => {
  await t.test('1 version: the server reports v1.32 and the dispatcher picks the 1.32 client', async () => {
    const r = await f.kubectl('version');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Client Version: v1\.32\.\d+/);
    assert.match(r.stdout.trim().split('\n').at(-1)!, /^Server Version: v1\.32\.\d+/);
    assert.doesNotMatch(r.stderr, /skew/i);
  });

  await t.test('2 api-resources lists the served kinds with short names and scope', async () => {
    const rows = tableRows(await ok('api-resources'));
    const has = (...cells: string[]) => assert.ok(rows.some((r) => cells.every((c, i) => r[i] === c)), `no row ${cells.join(' | ')}`);
    has('services', 'svc', 'v1', 'true', 'Service');
    has('deployments', 'deploy', 'apps/v1', 'true', 'Deployment');
    has('endpointslices', 'discovery.k8s.io/v1', 'true', 'EndpointSlice');
    has('ingresses', 'ing', 'networking.k8s.io/v1', 'true', 'Ingress');
    has('ingressclasses', 'networking.k8s.io/v1', 'false', 'IngressClass');
    has('leases', 'coordination.k8s.io/v1', 'true', 'Lease');
    has('namespaces', 'ns', 'v1', 'false', 'Namespace');
    has('nodes', 'no', 'v1', 'false', 'Node');
  });

  await t.test('3 get ns shows the four system namespaces, Active', async () => {
    const rows = tableRows(await ok('get ns'));
    assert.deepEqual(rows[0], ['NAME', 'STATUS', 'AGE']);
    for (const ns of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) {
      assert.ok(rows.some((r) => r[0] === ns && r[1] === 'Active'), `namespace ${ns}`);
    }
  });

  const svcFile = () => f.file('svc.yaml', m.nodePortService);
  await t.test('4 apply: created, unchanged, configured', async () => {
    assert.equal((await ok(`apply -f ${svcFile()}`)).trim(), 'service/nginx created');
    assert.equal((await ok(`apply -f ${svcFile()}`)).trim(), 'service/nginx unchanged');
    const edited = f.file('svc2.yaml', m.nodePortService.replace('app: nginx\nspec', 'app: nginx\n    tier: web\nspec'));
    assert.equal((await ok(`apply -f ${edited}`)).trim(), 'service/nginx configured');
  });

  await t.test('5 get svc: kubernetes ClusterIP 10.96.0.1 and nginx NodePort with an allocated port', async () => {
    const rows = tableRows(await ok('get svc'));
    assert.deepEqual(rows[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    const k = rows.find((r) => r[0] === 'kubernetes')!;
    assert.deepEqual(k.slice(0, 5), ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
    const n = rows.find((r) => r[0] === 'nginx')!;
    assert.equal(n[1], 'NodePort');
    assert.match(n[2], /^10\.(9[6-9]|1[01]\d)\.\d+\.\d+$/);
    const port = Number(/^80:(\d+)\/TCP$/.exec(n[4])?.[1]);
    assert.ok(port >= 30000 && port <= 32767, n[4]);
  });

  await t.test('6 get svc -o wide adds SELECTOR', async () => {
    const rows = tableRows(await ok('get svc -o wide'));
    assert.equal(rows[0].at(-1), 'SELECTOR');
    assert.equal(rows.find((r) => r[0] === 'nginx')!.at(-1), 'app=nginx');
    assert.equal(rows.find((r) => r[0] === 'kubernetes')!.at(-1), '<none>');
  });

  await t.test('7 an empty namespace says so on stderr with exit code 0', async () => {
    const r = await f.kubectl('-n kube-system get services');
    assert.equal(r.code, 0);
    assert.equal(r.stderr.trim(), 'No resources found in kube-system namespace.');
  });

  await t.test('8 get -o yaml shows server-set fields and defaults', async () => {
    const y = await ok('get svc nginx -o yaml');
    for (const re of [/uid: [0-9a-f-]{36}/, /resourceVersion: "\d+"/, /creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/, /kubectl.kubernetes.io\/last-applied-configuration/, /type: NodePort/, /sessionAffinity: None/, /ipFamilies:\n\s+- IPv4/, /ipFamilyPolicy: SingleStack/, /internalTrafficPolicy: Cluster/, /externalTrafficPolicy: Cluster/, /protocol: TCP/, /targetPort: 80/]) {
      assert.match(y, re);
    }
    const ip = /clusterIP: (\S+)/.exec(y)![1];
    assert.match(y, new RegExp(`clusterIPs:\\n\\s+- ${ip.replace(/\./g, '\\.')}`));
  });

  await t.test('9 describe svc', async () => {
    const d = await ok('describe svc nginx');
    for (const re of [/^Type:\s+NodePort$/m, /^IP Families:\s+IPv4$/m, /^Port:\s+http\s+80\/TCP$/m, /^TargetPort:\s+80\/TCP$/m, /^NodePort:\s+http\s+3\d{4}\/TCP$/m, /^Endpoints:/m, /^Session Affinity:\s+None$/m, /^Events:\s+<none>$/m, /^Selector:\s+app=nginx$/m]) {
      assert.match(d, re);
    }
  });

  await t.test('10 patch --patch-file sets the node port; the same patch again is a no-op', async () => {
    const p = f.file('p.yaml', m.nodePortPatch);
    assert.equal((await ok(`patch svc nginx --patch-file ${p}`)).trim(), 'service/nginx patched');
    assert.match(await ok('get svc nginx'), /80:31326\/TCP/);
    assert.equal((await ok(`patch svc nginx --patch-file ${p}`)).trim(), 'service/nginx patched (no change)');
  });

  await t.test('11 node port out of range: Kubernetes message, exit 1', async () => {
    const r = await f.kubectl(['patch', 'svc', 'nginx', '-p', '{"spec":{"ports":[{"port":80,"nodePort":99999}]}}']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'The Service "nginx" is invalid: spec.ports[0].nodePort: Invalid value: 99999: provided port is not in the valid range. The range of valid ports is 30000-32767');
  });

  await t.test('12 node port already allocated', async () => {
    const err = await fails(`apply -f ${f.file('dup.yaml', m.conflictingNodePortService)}`);
    assert.match(err, /The Service "web-dup" is invalid: spec.ports\[0\].nodePort: Invalid value: 31326: provided port is already allocated/);
  });

  await t.test('13 two ports with the same port number', async () => {
    const err = await fails(`apply -f ${f.file('two.yaml', m.duplicatePortService)}`);
    assert.match(err, /The Service "twoports" is invalid: /);
    assert.match(err, /spec\.ports\[1\]: Duplicate value: core\.ServicePort\{Name:"", Protocol:"TCP", AppProtocol:\(\*string\)\(nil\), Port:80, TargetPort:intstr\.IntOrString\{Type:0, IntVal:0, StrVal:""\}, NodePort:0\}/);
  });

  await t.test('14 create -f twice: AlreadyExists with the file name', async () => {
    const file = f.file('create.yaml', m.nodePortService.replace('name: nginx\n  labels', 'name: created\n  labels'));
    assert.equal((await ok(`create -f ${file}`)).trim(), 'service/created created');
    assert.equal(await fails(`create -f ${file}`), `Error from server (AlreadyExists): error when creating "${file}": services "created" already exists`);
  });

  await t.test('15-18 errors are rendered as kubectl renders a real server\'s', async () => {
    assert.equal(await fails('get svc nothere'), 'Error from server (NotFound): services "nothere" not found');
    assert.equal(await fails('get deploy nothere'), 'Error from server (NotFound): deployments.apps "nothere" not found');
    const r = await f.kubectl(['get', 'pods', '-l', 'a b']);
    assert.equal(r.code, 1);
    // kubectl (cli-runtime's selector builder) prefixes the server's message for list requests
    // that carry a selector; the server's own message is the part after the last ': '.
    assert.equal(
      r.stderr.trim(),
      'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "a b", field selector "": ' + "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
    );
    assert.equal(await fails('get foo'), 'error: the server doesn\'t have a resource type "foo"');
  });

  let deployUID = '';
  await t.test('19-21 deployment, replica set and pods as kubectl get shows them', async () => {
    assert.equal((await ok(`apply -f ${f.file('deploy.yaml', m.deployment)}`)).trim(), 'deployment.apps/web created');
    deployUID = (await ok('get deploy web -o jsonpath={.metadata.uid}')).trim();
    // Acting as the controllers and the kubelet: a replica set, two running pods, and their status.
    await ok(`apply -f ${f.file('rs.yaml', m.replicaSet(deployUID))}`);
    await ok(`apply -f ${f.file('node.yaml', m.node)}`);
    for (const [name, ip] of [['web-7d4b9c8f6b-abcde', '10.244.0.2'], ['web-7d4b9c8f6b-fghij', '10.244.0.3']]) {
      await ok(`apply -f ${f.file(`${name}.yaml`, m.pod(name, '    pod-template-hash: 7d4b9c8f6b\n'))}`);
      const r = await f.kubectl(['patch', 'pod', name, '--subresource=status', '--type=merge', '-p', m.runningPodStatus(ip)]);
      assert.equal(r.code, 0, r.stderr);
    }
    const gen = (await ok('get deploy web -o jsonpath={.metadata.generation}')).trim();
    const status = JSON.stringify({ status: { observedGeneration: Number(gen), replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-7d4b9c8f6b" has successfully progressed.' }] } });
    assert.equal((await f.kubectl(['patch', 'deploy', 'web', '--subresource=status', '--type=merge', '-p', status])).code, 0);
    const rsStatus = JSON.stringify({ status: { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 } });
    assert.equal((await f.kubectl(['patch', 'rs', 'web-7d4b9c8f6b', '--subresource=status', '--type=merge', '-p', rsStatus])).code, 0);

    const out = await ok('get deploy,rs,pods');
    const blocks = out.trim().split('\n\n').map(tableRows);
    assert.deepEqual(blocks[0][0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    assert.deepEqual(blocks[0][1].slice(0, 4), ['deployment.apps/web', '2/2', '2', '2']);
    assert.deepEqual(blocks[1][0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    assert.deepEqual(blocks[1][1].slice(0, 4), ['replicaset.apps/web-7d4b9c8f6b', '2', '2', '2']);
    assert.deepEqual(blocks[2][0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    assert.deepEqual(blocks[2][1].slice(0, 4), ['pod/web-7d4b9c8f6b-abcde', '1/1', 'Running', '0']);

    assert.equal((await ok('rollout status deploy/web --timeout=10s')).trim(), 'deployment "web" successfully rolled out');

    const wide = tableRows(await ok('get pods -o wide'));
    assert.deepEqual(wide[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    assert.deepEqual(wide[1].slice(5), ['10.244.0.2', 'node1', '<none>', '<none>']);
  });

  await t.test('22 get nodes [-o wide]', async () => {
    const r = await f.kubectl(['patch', 'node', 'node1', '--subresource=status', '--type=merge', '-p', m.nodeStatus()]);
    assert.equal(r.code, 0, r.stderr);
    const rows = tableRows(await ok('get nodes'));
    assert.deepEqual(rows[0], ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    assert.deepEqual([rows[1][0], rows[1][1], rows[1][2], rows[1][4]], ['node1', 'Ready', 'control-plane', 'v1.32.0']);
    const wide = tableRows(await ok('get nodes -o wide'));
    assert.deepEqual(wide[0].slice(5), ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
    assert.deepEqual(wide[1].slice(5), ['192.0.2.10', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'svcnet://0.1.0']);
  });

  await t.test('23 endpoints and endpointslices', async () => {
    await ok(`apply -f ${f.file('ep.yaml', m.endpoints)}`);
    await ok(`apply -f ${f.file('eps.yaml', m.endpointSlice)}`);
    const ep = tableRows(await ok('get endpoints nginx'));
    assert.deepEqual(ep[0], ['NAME', 'ENDPOINTS', 'AGE']);
    assert.equal(ep[1][1], '10.244.0.2:80,10.244.0.3:80,10.244.0.4:80 + 2 more...');
    const eps = tableRows(await ok('get endpointslices'));
    assert.deepEqual(eps[0], ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    assert.deepEqual(eps.find((r) => r[0] === 'nginx-abcde')!.slice(0, 4), ['nginx-abcde', 'IPv4', '80', '10.244.0.2,10.244.0.3']);
    assert.match(await ok('describe svc nginx'), /^Endpoints:\s+10\.244\.0\.2:80,10\.244\.0\.3:80$/m);
  });

  await t.test('24 ingress and ingressclass', async () => {
    const out = await ok(`apply -f ${f.file('ing.yaml', m.ingressAndClass)}`);
    assert.match(out, /ingressclass.networking.k8s.io\/nginx created/);
    assert.match(out, /ingress.networking.k8s.io\/web created/);
    const blocks = (await ok('get ing,ingressclass')).trim().split('\n\n').map(tableRows);
    assert.deepEqual(blocks[0][0], ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']);
    assert.deepEqual(blocks[0][1].slice(0, 3), ['ingress.networking.k8s.io/web', 'nginx', 'example.com']);
    assert.equal(blocks[0][1][3], '80');
    assert.deepEqual(blocks[1][0], ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE']);
    assert.deepEqual(blocks[1][1].slice(0, 3), ['ingressclass.networking.k8s.io/nginx', 'k8s.io/ingress-nginx', '<none>']);
  });

  await t.test('25 describe every kind: exit 0, no panic', async () => {
    await ok(`apply -f ${f.file('misc.yaml', m.misc)}`);
    const targets = ['namespace default', 'node node1', 'pod web-7d4b9c8f6b-abcde', 'service nginx', 'endpoints nginx', 'endpointslice nginx-abcde', 'deployment web', 'replicaset web-7d4b9c8f6b', 'ingress web', 'ingressclass nginx', 'secret creds', 'configmap cfg', 'event web.1', '-n kube-node-lease lease node1'];
    for (const target of targets) {
      const r = await f.kubectl(`describe ${target}`);
      assert.equal(r.code, 0, `describe ${target}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr + r.stdout, /panic|invalid memory address|nil pointer/);
      // describe prints no Events section for these kinds (namespace shows quota/limit lines instead).
      if (!/^(namespace|secret|configmap|event|-n kube-node-lease)/.test(target)) assert.match(r.stdout, /^Events:/m, `describe ${target} has an Events line`);
    }
    assert.match(await ok('get secret creds -o jsonpath={.data.user}'), /^YWRtaW4=$/);
  });

  await t.test('26 get all: blocks with kind/ prefixes', async () => {
    const out = await ok('get all');
    const blocks = out.trim().split('\n\n').map(tableRows);
    assert.ok(blocks[0][1][0].startsWith('pod/'), out);
    assert.ok(blocks.some((b) => b[1][0].startsWith('service/')), out);
    assert.ok(blocks.some((b) => b[1][0].startsWith('deployment.apps/')), out);
    assert.ok(blocks.some((b) => b[1][0].startsWith('replicaset.apps/')), out);
  });

  await t.test('27 get pods -w prints new rows as they come, without repeating the header', async () => {
    const child = spawn('kubectl', ['get', 'pods', '-w'], { env: f.env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await waitFor(() => out.includes('web-7d4b9c8f6b-abcde'));
    await ok(`apply -f ${f.file('watched.yaml', m.pod('watched').replace('  nodeName: node1\n', ''))}`);
    await waitFor(() => /^watched\s+0\/1\s+Pending/m.test(out));
    child.kill();
    assert.equal(out.match(/^NAME\s+READY/gm)?.length, 1, out);
  });

  await t.test('30 apply --server-side', async () => {
    const file = f.file('ssa.yaml', m.nodePortService.replace('name: nginx\n  labels', 'name: ssa\n  labels'));
    assert.equal((await ok(`apply --server-side -f ${file}`)).trim(), 'service/ssa serverside-applied');
    assert.equal((await ok(`apply --server-side -f ${file}`)).trim(), 'service/ssa serverside-applied');
  });

  await t.test('31 scale through the /scale subresource', async () => {
    assert.equal((await ok('scale deploy/web --replicas=3')).trim(), 'deployment.apps/web scaled');
    assert.equal((await ok('get deploy web -o jsonpath={.spec.replicas}')).trim(), '3');
  });

  await t.test('32 delete returns promptly; a pod on a node waits for its node, a force delete ends it', async () => {
    assert.equal((await ok('delete svc created')).trim(), 'service "created" deleted');
    assert.equal((await ok('delete pod watched')).trim(), 'pod "watched" deleted');
    const r = await f.kubectl('delete pod web-7d4b9c8f6b-fghij --wait=false');
    assert.equal(r.code, 0, r.stderr);
    assert.match(await ok('get pod web-7d4b9c8f6b-fghij -o jsonpath={.metadata.deletionTimestamp}'), /^\d{4}-/);
    assert.match(await ok('get pods'), /web-7d4b9c8f6b-fghij\s+1\/1\s+Terminating/);
    const force = await f.kubectl('delete pod web-7d4b9c8f6b-fghij --grace-period=0 --force');
    assert.equal(force.code, 0, force.stderr);
    assert.equal((await f.kubectl('get pod web-7d4b9c8f6b-fghij')).code, 1);
  });

  await t.test('33 imperative generators send protobuf: answered with a clear 415', async () => {
    const err = await fails('create deployment d2 --image=nginx');
    assert.match(err, /protobuf/);
    assert.match(err, /kubectl apply -f/);
  });

  await t.test('strict field validation refuses unknown fields; --validate=false drops them', async () => {
    const bad = f.file('unknown.yaml', m.nodePortService.replace('name: nginx\n  labels', 'name: unknownf\n  labels').replace('  type: NodePort', '  type: NodePort\n  foo: bar'));
    const err = await fails(`apply -f ${bad}`);
    assert.match(err, /strict decoding error: unknown field "spec.foo"/);
    assert.equal((await ok(`apply --validate=false -f ${bad}`)).trim(), 'service/unknownf created');
    assert.doesNotMatch(await ok('get svc unknownf -o yaml'), /foo: bar/);
  });

  await t.test('manifests written for extensions/v1beta1 and networking.k8s.io/v1beta1 apply, re-apply and are stored as v1', async () => {
    const fixtures = defaultFixturesDir();
    const legacy = readFileSync(join(fixtures, 'kubia-ingress-legacy.yaml'), 'utf8');
    const file = f.file('legacy-ing.yaml', legacy);
    const name = /name: (\S+)/.exec(legacy)![1];
    assert.match(await ok(`apply -f ${file}`), new RegExp(`ingress\\.(extensions|networking\\.k8s\\.io)/${name} created`));
    // paths[] has no merge key and the server defaults pathType, so kubectl's 3-way diff sends the
    // list again ("configured", as 1.21 clusters showed); the write is a no-op: same resourceVersion.
    const rv = (await ok(`get ingress.v1.networking.k8s.io ${name} -o jsonpath={.metadata.resourceVersion}`)).trim();
    assert.match(await ok(`apply -f ${file}`), / (unchanged|configured)$/m);
    assert.equal((await ok(`get ingress.v1.networking.k8s.io ${name} -o jsonpath={.metadata.resourceVersion}`)).trim(), rv);
    assert.match(await ok(`apply -f ${f.file('legacy-ing2.yaml', legacy.replace(/name: (\S+)\n/, 'name: $1\n  labels:\n    edited: "yes"\n'))}`), / configured$/m);
    const v1 = JSON.parse(await ok(`get ingress.v1.networking.k8s.io ${name} -o json`));
    assert.equal(v1.apiVersion, 'networking.k8s.io/v1');
    assert.ok(v1.spec.rules[0].http.paths[0].backend.service.name);
    assert.equal(v1.metadata.labels.edited, 'yes');
    const old = JSON.parse(await ok(`get ingress.v1beta1.extensions ${name} -o json`));
    assert.equal(old.apiVersion, 'extensions/v1beta1');
    assert.ok(old.spec.rules[0].http.paths[0].backend.serviceName);
    const fanout = f.file('fanout.yaml', readFileSync(join(fixtures, 'fanout-rewrite-legacy.yaml'), 'utf8'));
    assert.match(await ok(`apply -f ${fanout}`), / created$/m);
  });

  await t.test('explain reads the OpenAPI v3 schemas', async () => {
    const out = await ok('explain service.spec.ports.port');
    assert.match(out, /^KIND:\s+Service$/m);
    assert.match(out, /^FIELD: port <integer>$/m);
    assert.match(out, /The port that will be exposed by this service\./);
    assert.match(await ok('explain deployment.spec.template.spec.containers'), /^FIELD: containers <\[\]Container>$/m);
  });

  await t.test('--validate=warn: accepted with kubectl printing the server\'s Warning', async () => {
    const file = f.file('warn.yaml', m.nodePortService.replace('name: nginx\n  labels', 'name: warned\n  labels').replace('  type: NodePort', '  type: NodePort\n  bar: baz'));
    const r = await f.kubectl(`apply --validate=warn -f ${file}`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'service/warned created');
    assert.match(r.stderr, /Warning: unknown field "spec\.bar"/);
  });

  await t.test('patch --type json and --type merge', async () => {
    const json = await f.kubectl(['patch', 'svc', 'nginx', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/patched","value":"json"}]']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stdout.trim(), 'service/nginx patched');
    const merge = await f.kubectl(['patch', 'svc', 'nginx', '--type=merge', '-p', '{"metadata":{"labels":{"patched":"merge"}}}']);
    assert.equal(merge.code, 0, merge.stderr);
    assert.equal((await ok('get svc nginx -o jsonpath={.metadata.labels.patched}')).trim(), 'merge');
    const bad = await f.kubectl(['patch', 'svc', 'nginx', '--type=json', '-p', '[{"op":"replace","path":"/nothere/x","value":1}]']);
    assert.equal(bad.code, 1);
  });

  await t.test('label, annotate, set image, rollout restart, cordon', async () => {
    assert.equal((await ok('label svc nginx tier=fe --overwrite')).trim(), 'service/nginx labeled');
    assert.equal((await ok('annotate svc nginx note=hi')).trim(), 'service/nginx annotated');
    assert.equal((await ok('set image deploy/web nginx=nginx:1.28')).trim(), 'deployment.apps/web image updated');
    assert.equal((await ok('get deploy web -o jsonpath={.spec.template.spec.containers[0].image}')).trim(), 'nginx:1.28');
    assert.equal((await ok('rollout restart deploy/web')).trim(), 'deployment.apps/web restarted');
    assert.equal((await ok('cordon node1')).trim(), 'node/node1 cordoned');
    assert.match(await ok('get nodes'), /Ready,SchedulingDisabled/);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
