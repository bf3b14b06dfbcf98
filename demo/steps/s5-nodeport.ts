/** §5 NodePort. */
import { appliedLine, nginxWelcome, saw, tableRecords } from '../checks.js';
import { fail, pass, type Output, type Step, type Verdict } from '../types.js';

function portsOf(out: Output, name: string): string | undefined {
  return tableRecords(out.stdout).find((r) => r.NAME === name)?.['PORT(S)'];
}

function fixedNodePort(out: Output, get: Output, name: string, ports: string): Verdict | undefined {
  if (!appliedLine(out, `service/${name}`)) return fail(`expected "service/${name} created", saw: ${saw(out)}`);
  if (portsOf(get, name) !== ports) return fail(`expected ${name} to get exactly ${ports}, saw: ${saw(get)}`);
  return undefined;
}

export const nodePortSteps: Step[] = [
  {
    id: '5.1',
    title: 'make the nginx Service a NodePort',
    needs: [],
    run: ['kubectl patch svc nginx --patch-file {{fixtures}}/nginx-nodeport.yaml'],
    check: ([out]) => (appliedLine(out, 'service/nginx', ['patched']) ? pass() : fail(`expected "service/nginx patched", saw: ${saw(out)}`)),
  },
  {
    id: '5.2',
    title: 'same cluster IP, and a node port in 30000-32767',
    needs: [],
    run: ['kubectl get service nginx'],
    provides: ['nodePort'],
    check: ([out], vars) => {
      const r = tableRecords(out.stdout).find((x) => x.NAME === 'nginx');
      const port = Number(/^80:(\d+)\/TCP$/.exec(r?.['PORT(S)'] ?? '')?.[1]);
      if (r?.TYPE !== 'NodePort' || r['CLUSTER-IP'] !== vars.clusterIP || !(port >= 30000 && port <= 32767)) {
        return fail(`expected "nginx  NodePort  ${vars.clusterIP}  <none>  80:<30000-32767>/TCP", saw: ${saw(out)}`);
      }
      return pass({ nodePort: String(port) });
    },
  },
  {
    id: '5.3',
    title: "the node port on the node's address, from the node, from outside, and the name from the pod",
    needs: ['agent', 'proxy', 'dns'],
    run: [
      'wget -O - http://{{nodeAddress}}:{{nodePort}}',
      { cmd: 'curl -s -m 5 http://{{nodeAddress}}:{{nodePort}}', where: 'client' },
      'kubectl exec -ti pod -- wget -O - http://nginx',
    ],
    withinMs: 15_000,
    check: ([node, client, pod], vars) => {
      const url = `http://${vars.nodeAddress}:${vars.nodePort}`;
      if (!nginxWelcome.test(node.stdout)) return fail(`expected the nginx welcome page from ${url} on the node, saw: ${saw(node)}`);
      if (!nginxWelcome.test(client.stdout)) return fail(`expected the nginx welcome page from ${url} from the client, saw: ${saw(client)}`);
      return nginxWelcome.test(pod.stdout) ? pass() : fail(`expected the nginx welcome page from http://nginx in the pod, saw: ${saw(pod)}`);
    },
  },
  {
    id: '5.4',
    title: 'a fixed nodePort is honoured; a second Service asking for it is refused',
    needs: [],
    run: [
      'kubectl apply -f {{fixtures}}/kubia-nodeport.yaml',
      'kubectl get service kubia-nodeport',
      'kubectl apply -f {{fixtures}}/influxdb-nodeport.yaml',
      'kubectl get service influxdb',
      'kubectl apply -f {{manifests}}/kubia-nodeport-taken.yaml',
    ],
    check: ([kubia, kubiaGet, influx, influxGet, taken]) => {
      const bad = fixedNodePort(kubia, kubiaGet, 'kubia-nodeport', '80:30123/TCP') ?? fixedNodePort(influx, influxGet, 'influxdb', '8086:30000/TCP');
      if (bad) return bad;
      const message = 'The Service "kubia-nodeport-taken" is invalid: spec.ports[0].nodePort: Invalid value: 30123: provided port is already allocated';
      return taken.code !== 0 && taken.stderr.includes(message) ? pass() : fail(`expected kubectl to fail with "${message}", saw: ${saw(taken)}`);
    },
  },
];
