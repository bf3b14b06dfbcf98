/** §2 A Service: one name, one stable address, load balanced. */
import { appliedLine, inCidr, nginxWelcome, saw, tableRecords } from '../checks.js';
import { fail, pass, type Step } from '../types.js';

/** Requests to spread over the five pods: 5·(4/5)^40 ≈ 0.07 % chance one pod gets none by luck. */
const requests = 40;

export const serviceSteps: Step[] = [
  {
    id: '2.1',
    title: 'a Service for the nginx pods',
    needs: [],
    run: ['kubectl apply -f {{fixtures}}/nginx-service.yaml'],
    check: ([out]) => (appliedLine(out, 'service/nginx') ? pass() : fail(`expected "service/nginx created", saw: ${saw(out)}`)),
  },
  {
    id: '2.2',
    title: 'kubernetes and nginx Services with cluster IPs',
    needs: [],
    run: ['kubectl get services'],
    provides: ['clusterIP'],
    check: ([out], vars) => {
      const rows = tableRecords(out.stdout);
      const k = rows.find((r) => r.NAME === 'kubernetes');
      const n = rows.find((r) => r.NAME === 'nginx');
      if (!k || k.TYPE !== 'ClusterIP' || k['CLUSTER-IP'] !== vars.kubernetesIP || k['EXTERNAL-IP'] !== '<none>' || k['PORT(S)'] !== '443/TCP') {
        return fail(`expected "kubernetes  ClusterIP  ${vars.kubernetesIP}  <none>  443/TCP", saw: ${saw(out)}`);
      }
      if (!n || n.TYPE !== 'ClusterIP' || !inCidr(n['CLUSTER-IP'], vars.serviceCIDR) || n['EXTERNAL-IP'] !== '<none>' || n['PORT(S)'] !== '80/TCP') {
        return fail(`expected "nginx  ClusterIP  <an address in ${vars.serviceCIDR}>  <none>  80/TCP", saw: ${saw(out)}`);
      }
      return pass({ clusterIP: n['CLUSTER-IP'] });
    },
  },
  {
    id: '2.3',
    title: 'the cluster IP answers, spreading requests over all five pods',
    needs: ['agent', 'proxy'],
    run: [
      `for i in $(seq ${requests}); do curl -s -m 5 -o /dev/null -w '%{http_code}\\n' -A svcnet-demo-2.3 http://{{clusterIP}}; done | sort | uniq -c`,
      "kubectl logs -l app=nginx --prefix --tail=-1 | grep svcnet-demo-2.3 | cut -d' ' -f1 | sort | uniq -c",
    ],
    withinMs: 30_000,
    check: ([codes, logs]) => {
      if (!new RegExp(`^\\s*${requests} 200$`).test(codes.stdout.trim())) return fail(`expected all ${requests} requests to answer 200, saw: ${saw(codes)}`);
      const pods = logs.stdout.trim().split('\n').filter((l) => /\[pod\/nginx-/.test(l));
      if (pods.length !== 5) return fail(`expected the access logs of all 5 nginx pods to show requests, ${pods.length} did: ${saw(logs)}`);
      return pass();
    },
  },
  {
    id: '2.4',
    title: 'describe shows the selector and the endpoints',
    needs: ['controllers', 'agent'],
    run: ['kubectl describe service nginx'],
    withinMs: 30_000,
    check: ([out]) => {
      if (!/^Selector:\s+app=nginx$/m.test(out.stdout)) return fail(`expected "Selector: app=nginx", saw: ${saw(out)}`);
      const ep = /^Endpoints:\s+(.*)$/m.exec(out.stdout)?.[1] ?? '';
      const ok = /^(\d+\.\d+\.\d+\.\d+:80,){2}\d+\.\d+\.\d+\.\d+:80 \+ 2 more\.\.\.$/.test(ep.trim());
      return ok ? pass() : fail(`expected "Endpoints: <ip>:80,<ip>:80,<ip>:80 + 2 more...", saw: "Endpoints: ${ep}"`);
    },
  },
  {
    id: '2.5',
    title: 'a deleted pod is replaced; the Service follows and its cluster IP stays',
    needs: ['controllers', 'agent', 'proxy'],
    setup: ['kubectl delete pod {{podName}}'],
    run: [
      'kubectl get pods -l app=nginx -o wide',
      "kubectl get endpoints nginx -o jsonpath='{.subsets[*].addresses[*].ip}'",
      "kubectl get service nginx -o jsonpath='{.spec.clusterIP}'",
      'curl -s -m 5 http://{{clusterIP}}',
    ],
    withinMs: 60_000,
    provides: ['podIP', 'podName'],
    check: ([pods, eps, svc, curl], vars) => {
      const running = tableRecords(pods.stdout).filter((r) => r.STATUS === 'Running' && r.READY === '1/1');
      if (running.length !== 5 || running.some((r) => r.NAME === vars.podName)) return fail(`expected 5 Running nginx pods without ${vars.podName}, saw: ${saw(pods)}`);
      const want = running.map((r) => r.IP).sort().join(' ');
      const have = eps.stdout.trim().split(/\s+/).sort().join(' ');
      if (want !== have) return fail(`expected the endpoints to be the running pods' IPs (${want}), saw: ${have}`);
      if (svc.stdout.trim() !== vars.clusterIP) return fail(`expected the cluster IP to stay ${vars.clusterIP}, saw: ${saw(svc)}`);
      if (!nginxWelcome.test(curl.stdout)) return fail(`expected the nginx welcome page from http://${vars.clusterIP}, saw: ${saw(curl)}`);
      return pass({ podIP: running[0].IP, podName: running[0].NAME });
    },
  },
];
