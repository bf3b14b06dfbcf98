/** §6 LoadBalancer on a machine with no cloud. */
import { isIPv4, saw, tableRecords } from '../checks.js';
import { fail, pass, type Output, type Step, type Verdict } from '../types.js';

function loadBalancer(out: Output, name: string, port: number, varName: string): Verdict {
  const r = tableRecords(out.stdout).find((x) => x.NAME === name);
  const ports = new RegExp(`^${port}:(\\d+)/TCP$`).exec(r?.['PORT(S)'] ?? '');
  if (r?.TYPE !== 'LoadBalancer' || !isIPv4(r['EXTERNAL-IP']) || !ports || Number(ports[1]) < 30000 || Number(ports[1]) > 32767) {
    return fail(`expected "${name}  LoadBalancer  <cluster IP>  <an address>  ${port}:<node port>/TCP", saw: ${saw(out)}`);
  }
  return pass({ [varName]: r['EXTERNAL-IP'] });
}

export const loadBalancerSteps: Step[] = [
  {
    id: '6.1a',
    title: 'a LoadBalancer Service gets an EXTERNAL-IP instead of <pending>',
    needs: ['controllers', 'agent'],
    setup: ['kubectl apply -f {{manifests}}/influxdb-deploy.yaml', 'kubectl apply -f {{fixtures}}/influxdb-loadbalancer.yaml'],
    run: ['kubectl get service influxdb'],
    withinMs: 30_000,
    provides: ['lbIP'],
    check: ([out]) => loadBalancer(out, 'influxdb', 8086, 'lbIP'),
  },
  {
    id: '6.1b',
    title: 'traffic to that address and port reaches the pods',
    needs: ['controllers', 'agent', 'proxy'],
    run: [{ cmd: 'curl -s -i http://{{lbIP}}:8086/ping', where: 'client' }],
    withinMs: 60_000,
    check: ([out]) => (/^HTTP\/1\.1 204/m.test(out.stdout) && /X-Influxdb-Version/i.test(out.stdout) ? pass() : fail(`expected "HTTP/1.1 204 No Content" with an X-Influxdb-Version header from the influxdb pod, saw: ${saw(out)}`)),
  },
  {
    id: '6.1c',
    title: 'externalTrafficPolicy: Local — a second LoadBalancer',
    needs: ['controllers', 'agent'],
    setup: ['kubectl apply -f {{manifests}}/source-ip.yaml'],
    run: ['kubectl get service source-ip'],
    withinMs: 60_000,
    provides: ['sourceIpLB'],
    check: ([out]) => loadBalancer(out, 'source-ip', 8080, 'sourceIpLB'),
  },
  {
    id: '6.1d',
    title: "externalTrafficPolicy: Local keeps the client's source address",
    needs: ['controllers', 'agent', 'proxy', 'outside-client'],
    run: [{ cmd: 'curl -s http://{{sourceIpLB}}:8080', where: 'client' }, 'kubectl logs -l app=source-ip --tail=20'],
    withinMs: 60_000,
    check: ([curl, logs], vars) => {
      if (!/You've hit source-ip-/.test(curl.stdout)) return fail(`expected "You've hit source-ip-…" from http://${vars.sourceIpLB}:8080, saw: ${saw(curl)}`);
      const from = [...logs.stdout.matchAll(/Received request from (\S+)/g)].map((m) => m[1].replace(/^::ffff:/, ''));
      return from.includes(vars.clientAddress) ? pass() : fail(`expected the pod to see the client's address ${vars.clientAddress}, it saw: ${[...new Set(from)].join(', ') || 'no requests'}`);
    },
  },
];
