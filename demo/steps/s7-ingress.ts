/** §7 Ingress: one entry point, routed by host and path (all from the outside client). */
import { appliedLine, nginxWelcome, saw } from '../checks.js';
import { fail, pass, type Output, type Step, type Verdict } from '../types.js';

const client = (cmd: string) => ({ cmd, where: 'client' as const });

/** The echo server's JSON names the pod that answered and the path it received. */
function echoed(out: Output, podPrefix: string, path: string, what: string): Verdict | undefined {
  let body: { pod?: string; path?: string };
  try {
    body = JSON.parse(out.stdout);
  } catch {
    return fail(`expected ${what} to reach an echo pod ${podPrefix}-…, saw: ${saw(out)}`);
  }
  if (!body.pod?.startsWith(`${podPrefix}-`)) return fail(`expected ${what} to reach a ${podPrefix}-… pod, it reached ${body.pod}`);
  if (body.path !== path) return fail(`expected ${what} to arrive at the backend as path ${path}, it arrived as ${body.path}`);
  return undefined;
}

export const ingressSteps: Step[] = [
  {
    id: '7.1',
    title: 'before any Ingress: 404 from the ingress controller',
    needs: ['ingress'],
    run: [client('curl -i -H "Host: web01" http://{{nodeAddress}}')],
    withinMs: 10_000,
    check: ([out]) => (/^HTTP\/1\.1 404 Not Found/m.test(out.stdout) ? pass() : fail(`expected "HTTP/1.1 404 Not Found", saw: ${saw(out)}`)),
  },
  {
    id: '7.2',
    title: 'an Ingress for host web01 routes to nginx',
    needs: ['ingress', 'agent'],
    setup: ['kubectl apply -f {{fixtures}}/nginx-ingress.yaml'],
    run: [client('curl -H "Host: web01" http://{{nodeAddress}}')],
    withinMs: 30_000,
    check: ([out]) => (nginxWelcome.test(out.stdout) ? pass() : fail(`expected the nginx welcome page, saw: ${saw(out)}`)),
  },
  {
    id: '7.3a',
    title: 'fan-out: /foo and /bar to two services; rewrite-target: / strips the matched prefix',
    needs: ['ingress', 'agent', 'controllers'],
    setup: ['kubectl apply -f {{manifests}}/fanout-backends.yaml', 'kubectl apply -f {{manifests}}/fanout-rewrite.yaml'],
    run: [client('curl -s -H "Host: fanout.example.com" http://{{nodeAddress}}/foo'), client('curl -s -H "Host: fanout.example.com" http://{{nodeAddress}}/bar')],
    withinMs: 90_000,
    check: ([foo, bar]) => echoed(foo, 's1', '/', '/foo') ?? echoed(bar, 's2', '/', '/bar') ?? pass(),
  },
  {
    id: '7.3b',
    title: 'fan-out without rewrite: the backend sees the whole path',
    needs: ['ingress', 'agent', 'controllers'],
    setup: ['kubectl apply -f {{manifests}}/kubia.yaml', 'kubectl apply -f {{manifests}}/fanout-kubia.yaml'],
    run: [client('curl -s -H "Host: kubia-v1.example.com" http://{{nodeAddress}}/kubia'), client('curl -s -H "Host: kubia-v1.example.com" http://{{nodeAddress}}/foo')],
    withinMs: 90_000,
    check: ([kubia, foo]) => {
      if (!/^You've hit kubia-/.test(kubia.stdout)) return fail(`expected "You've hit kubia-…" for /kubia, saw: ${saw(kubia)}`);
      return echoed(foo, 'bar', '/foo', '/foo') ?? pass();
    },
  },
  {
    id: '7.3c',
    title: 'manifests written for extensions/v1beta1 still apply and route',
    needs: ['ingress', 'agent', 'controllers'],
    run: [
      'kubectl apply -f {{fixtures}}/fanout-rewrite-legacy.yaml',
      'kubectl apply -f {{fixtures}}/kubia-ingress-legacy.yaml',
      client('curl -s -H "Host: foo.bar.com" http://{{nodeAddress}}/foo'),
      client('curl -s -H "Host: kubia.example.com" http://{{nodeAddress}}/kubia'),
    ],
    withinMs: 30_000,
    check: ([fanout, kubiaApply, foo, kubia]) => {
      // kubectl names the object in the manifest's group: ingress.extensions/<name>, as 1.21 did.
      if (!appliedLine(fanout, 'ingress.extensions/test')) return fail(`expected "ingress.extensions/test created" (or configured) from the extensions/v1beta1 manifest, saw: ${saw(fanout)}`);
      if (!appliedLine(kubiaApply, 'ingress.extensions/kubia')) return fail(`expected "ingress.extensions/kubia created" (or configured) from the extensions/v1beta1 manifest, saw: ${saw(kubiaApply)}`);
      const bad = echoed(foo, 's1', '/', 'foo.bar.com/foo (legacy ingress.kubernetes.io/rewrite-target)');
      if (bad) return bad;
      return /^You've hit kubia-/.test(kubia.stdout) ? pass() : fail(`expected "You've hit kubia-…" for kubia.example.com/kubia, saw: ${saw(kubia)}`);
    },
  },
  {
    id: '7.4',
    title: 'the class annotation and spec.ingressClassName both select the controller; another class does not',
    needs: ['ingress', 'agent'],
    setup: ['kubectl apply -f {{fixtures}}/class-annotated-ingress.yaml', 'kubectl apply -f {{manifests}}/class-name-ingress.yaml', 'kubectl apply -f {{manifests}}/other-class-ingress.yaml'],
    run: [
      client('curl -s -H "Host: foo.bar.com" http://{{nodeAddress}}/'),
      client('curl -s -H "Host: class.example.com" http://{{nodeAddress}}/'),
      client('curl -s -o /dev/null -w "%{http_code}\\n" -H "Host: other.example.com" http://{{nodeAddress}}/'),
    ],
    withinMs: 30_000,
    check: ([annotated, named, other]) => {
      if (!nginxWelcome.test(annotated.stdout)) return fail(`expected the Ingress with kubernetes.io/ingress.class: nginx to serve foo.bar.com, saw: ${saw(annotated)}`);
      if (!nginxWelcome.test(named.stdout)) return fail(`expected the Ingress with ingressClassName: svcnet to serve class.example.com, saw: ${saw(named)}`);
      return other.stdout.trim() === '404' ? pass() : fail(`expected 404 for the Ingress of class "other" (not ours), saw: ${saw(other)}`);
    },
  },
  {
    id: '7.5a',
    title: 'TLS: a wildcard certificate for *.cluster.example.com in a Secret, an Ingress with tls',
    needs: [],
    run: [
      'openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout {{tmp}}/ca.key -out {{tmp}}/ca.pem -subj "/CN=svcnet demo CA" 2>&1 | tail -1',
      'openssl req -newkey rsa:2048 -nodes -keyout {{tmp}}/tls.key -out {{tmp}}/tls.csr -subj "/CN=*.cluster.example.com" 2>&1 | tail -1',
      "printf 'subjectAltName=DNS:*.cluster.example.com\\n' > {{tmp}}/san.ext && openssl x509 -req -in {{tmp}}/tls.csr -CA {{tmp}}/ca.pem -CAkey {{tmp}}/ca.key -CAcreateserial -days 2 -extfile {{tmp}}/san.ext -out {{tmp}}/tls.crt",
      'kubectl create secret tls wildcard-cluster-example --cert {{tmp}}/tls.crt --key {{tmp}}/tls.key --dry-run=client -o yaml | kubectl apply -f -',
      'kubectl apply -f {{manifests}}/tls-ingress.yaml',
    ],
    check: (outs) => {
      const failed = outs.slice(0, 3).find((o) => o.code !== 0);
      if (failed) return fail(`expected openssl to make the CA and the wildcard certificate, saw: ${saw(failed)}`);
      if (!appliedLine(outs[3], 'secret/wildcard-cluster-example')) return fail(`expected "secret/wildcard-cluster-example created", saw: ${saw(outs[3])}`);
      return appliedLine(outs[4], 'ingress.networking.k8s.io/web01-tls') ? pass() : fail(`expected "ingress.networking.k8s.io/web01-tls created", saw: ${saw(outs[4])}`);
    },
  },
  {
    id: '7.5b',
    title: 'HTTPS with the wildcard certificate; plain HTTP is redirected to HTTPS',
    needs: ['ingress', 'agent'],
    run: [
      client('curl -sS --resolve web01.cluster.example.com:443:{{nodeAddress}} https://web01.cluster.example.com --cacert {{tmp}}/ca.pem'),
      client('curl -sS -o /dev/null -w "%{http_code} %{redirect_url}\\n" --resolve web01.cluster.example.com:80:{{nodeAddress}} http://web01.cluster.example.com/'),
    ],
    withinMs: 30_000,
    check: ([https, http]) => {
      if (!nginxWelcome.test(https.stdout)) return fail(`expected the nginx welcome page over verified HTTPS, saw: ${saw(https)}`);
      return /^30[1278] https:\/\/web01\.cluster\.example\.com\//.test(http.stdout.trim()) ? pass() : fail(`expected a redirect (301/302/307/308) to https://web01.cluster.example.com/, saw: ${saw(http)}`);
    },
  },
];
