/** §8 Session affinity and many ports (the kubia pods of 7.3b serve 8080 and 8443). */
import { saw, tableRecords } from '../checks.js';
import { fail, pass, type Step } from '../types.js';

const tries = 10;

export const affinitySteps: Step[] = [
  {
    id: '8.1a',
    title: 'kubia with sessionAffinity: ClientIP and two named ports',
    needs: [],
    setup: ['kubectl apply -f {{fixtures}}/kubia-multiport.yaml'],
    run: ['kubectl get service kubia'],
    check: ([out]) => {
      const r = tableRecords(out.stdout).find((x) => x.NAME === 'kubia');
      return r?.TYPE === 'ClusterIP' && r['PORT(S)'] === '80/TCP,443/TCP' ? pass() : fail(`expected "kubia  ClusterIP  <ip>  <none>  80/TCP,443/TCP", saw: ${saw(out)}`);
    },
  },
  {
    id: '8.1b',
    title: 'ClientIP affinity sends every connection from one client to the same pod',
    needs: ['agent', 'proxy', 'dns', 'controllers'],
    run: ["kubectl get endpoints kubia -o jsonpath='{.subsets[*].addresses[*].ip}'", `kubectl exec pod -- sh -c 'for i in $(seq ${tries}); do wget -q -O - http://kubia; done'`],
    withinMs: 60_000,
    check: ([eps, out]) => {
      const endpoints = new Set(eps.stdout.trim().split(/\s+/).filter(Boolean));
      if (endpoints.size < 2) return fail(`expected at least 2 kubia endpoints (so affinity means something), saw: ${saw(eps)}`);
      const hits = [...out.stdout.matchAll(/You've hit (\S+)/g)].map((m) => m[1]);
      if (hits.length !== tries) return fail(`expected ${tries} answers "You've hit kubia-…", saw: ${saw(out)}`);
      const pods = new Set(hits);
      return pods.size === 1 ? pass() : fail(`expected one pod to answer all ${tries} requests, ${pods.size} did: ${[...pods].join(', ')}`);
    },
  },
  {
    id: '8.2',
    title: 'port 80 reaches targetPort 8080 and port 443 reaches 8443',
    needs: ['agent', 'proxy', 'dns'],
    run: ['kubectl exec pod -- wget -q -O - http://kubia:80', 'kubectl exec pod -- wget -q -O - http://kubia:443'],
    withinMs: 20_000,
    check: ([http, https]) => {
      if (!/^You've hit kubia-/.test(http.stdout)) return fail(`expected kubia (8080) to answer on port 80, saw: ${saw(http)}`);
      return /"httpPort":\s*"8443"/.test(https.stdout) ? pass() : fail(`expected the echo server on 8443 to answer on port 443, saw: ${saw(https)}`);
    },
  },
];

