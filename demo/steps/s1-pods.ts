/** §1 Pods with their own addresses. */
import { appliedLine, inCidr, saw, tableRecords } from '../checks.js';
import { fail, pass, type Step } from '../types.js';

const nginxPodName = /^nginx-[a-z0-9]{6,10}-[a-z0-9]{5}$/;

export const podSteps: Step[] = [
  {
    id: '1.1',
    title: 'a Deployment of five nginx pods',
    needs: [],
    run: ['kubectl apply -f {{fixtures}}/nginx-deploy.yaml'],
    check: ([out]) => (appliedLine(out, 'deployment.apps/nginx') ? pass() : fail(`expected "deployment.apps/nginx created", saw: ${saw(out)}`)),
  },
  {
    id: '1.2',
    title: 'five pods Running, each with its own IP from the pod network',
    needs: ['controllers', 'agent'],
    run: ['kubectl get pods -o wide'],
    withinMs: 90_000,
    provides: ['podIP', 'podName', 'nodeName'],
    check: ([out], vars) => {
      const pods = tableRecords(out.stdout).filter((r) => nginxPodName.test(r.NAME));
      const good = pods.filter((r) => r.READY === '1/1' && r.STATUS === 'Running' && inCidr(r.IP, vars.clusterCIDR) && r.NODE && r.NODE !== '<none>');
      const ips = new Set(good.map((r) => r.IP));
      if (good.length !== 5 || ips.size !== 5 || pods.length !== 5) {
        return fail(`expected 5 pods nginx-<hash>-<suffix> 1/1 Running with distinct IPs in ${vars.clusterCIDR} on a node, saw: ${saw(out)}`);
      }
      return pass({ podIP: good[0].IP, podName: good[0].NAME, nodeName: good[0].NODE });
    },
  },
  {
    id: '1.3',
    title: 'a pod really runs a web server in its own network namespace',
    needs: ['agent'],
    run: ['curl -v http://{{podIP}}'],
    withinMs: 10_000,
    check: ([out]) => {
      const ok = out.code === 0 && /< HTTP\/1\.1 200 OK/.test(out.all) && /< Server: nginx\//i.test(out.all);
      return ok ? pass() : fail(`expected "HTTP/1.1 200 OK" and a "Server: nginx/…" header, saw: ${saw(out)}`);
    },
  },
];
