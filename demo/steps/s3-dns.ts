/** §3 Names through cluster DNS. */
import { nginxWelcome, saw, tableRecords } from '../checks.js';
import { fail, pass, type Output, type Step } from '../types.js';

/** busybox wget prints `Connecting to nginx (10.96.x.y:80)` before the page. */
function welcomeVia(out: Output, host: string, clusterIP: string) {
  if (!nginxWelcome.test(out.stdout)) return fail(`expected the nginx welcome page from http://${host}, saw: ${saw(out)}`);
  const via = /Connecting to \S+ \(([\d.]+):80\)/.exec(out.all)?.[1];
  if (via && via !== clusterIP) return fail(`expected ${host} to resolve to the nginx cluster IP ${clusterIP}, wget connected to ${via}`);
  return pass();
}

function aRecord(out: Output, name: string): string | undefined {
  return new RegExp(`^${name.replace(/\./g, '\\.')}\\s+\\d+\\s+IN\\s+A\\s+([\\d.]+)$`, 'm').exec(out.stdout)?.[1];
}

export const dnsSteps: Step[] = [
  {
    id: '3.1',
    title: 'a client pod that sleeps',
    needs: ['controllers', 'agent'],
    setup: ['kubectl apply -f {{fixtures}}/pod.yaml'],
    run: ['kubectl get pod pod'],
    withinMs: 60_000,
    check: ([out]) => {
      const pod = tableRecords(out.stdout).find((r) => r.NAME === 'pod');
      return pod?.READY === '1/1' && pod.STATUS === 'Running' ? pass() : fail(`expected pod "pod" 1/1 Running, saw: ${saw(out)}`);
    },
  },
  {
    id: '3.2',
    title: 'the Service by its name from inside a pod',
    needs: ['agent', 'proxy', 'dns'],
    run: ['kubectl exec -ti pod -- wget -O - http://nginx'],
    withinMs: 30_000,
    check: ([out], vars) => welcomeVia(out, 'nginx', vars.clusterIP),
  },
  {
    id: '3.3',
    title: "the pod's resolv.conf points at cluster DNS",
    needs: ['agent'],
    run: ['kubectl exec -ti pod -- cat /etc/resolv.conf'],
    check: ([out], vars) => {
      const d = vars.clusterDomain;
      const want = [`search default.svc.${d} svc.${d} ${d}`, `nameserver ${vars.dnsIP}`, 'options ndots:5'];
      const missing = want.filter((w) => !new RegExp(`^${w.replace(/\./g, '\\.')}\\b`, 'm').test(out.stdout));
      return missing.length ? fail(`expected lines ${missing.map((m) => `"${m}"`).join(', ')}, saw: ${saw(out)}`) : pass();
    },
  },
  {
    id: '3.4',
    title: 'the kube-dns Service',
    needs: ['dns'],
    run: ['kubectl -n kube-system get services'],
    check: ([out], vars) => {
      const r = tableRecords(out.stdout).find((x) => x.NAME === 'kube-dns');
      const ok = r?.TYPE === 'ClusterIP' && r['CLUSTER-IP'] === vars.dnsIP && r['EXTERNAL-IP'] === '<none>' && r['PORT(S)'] === '53/UDP,53/TCP,9153/TCP';
      return ok ? pass() : fail(`expected "kube-dns  ClusterIP  ${vars.dnsIP}  <none>  53/UDP,53/TCP,9153/TCP", saw: ${saw(out)}`);
    },
  },
  {
    id: '3.5',
    title: 'the longer name works too',
    needs: ['agent', 'proxy', 'dns'],
    run: ['kubectl exec -ti pod -- wget -O - http://nginx.default.svc'],
    withinMs: 10_000,
    check: ([out], vars) => welcomeVia(out, 'nginx.default.svc', vars.clusterIP),
  },
  {
    id: '3.6',
    title: 'a Service in another namespace needs its namespace in the name',
    // dig asks 10.96.0.10, the kube-dns cluster IP: svcnet proxy must route it.
    needs: ['agent', 'proxy', 'dns'],
    setup: ['kubectl apply -f {{manifests}}/metrics-server.yaml'],
    run: [
      "kubectl -n kube-system get service metrics-server -o jsonpath='{.spec.clusterIP}'",
      { cmd: 'kubectl exec pod -- dig +search metrics-server', timeoutMs: 40_000 },
      'kubectl exec pod -- dig +search metrics-server.kube-system',
    ],
    withinMs: 20_000,
    check: ([ip, short, long], vars) => {
      const fqdn = `metrics-server.kube-system.svc.${vars.clusterDomain}.`;
      const found = [...short.stdout.matchAll(/^(metrics-server\S*)\s+\d+\s+IN\s+A\s/gm)].map((m) => m[1]);
      if (found.length) return fail(`expected "dig +search metrics-server" to find nothing from namespace default, it found ${found.join(', ')}`);
      const a = aRecord(long, fqdn);
      return a === ip.stdout.trim() ? pass() : fail(`expected "${fqdn} … IN A ${ip.stdout.trim()}", saw: ${saw(long)}`);
    },
  },
];
