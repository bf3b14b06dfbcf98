/** §4 How the traffic is really routed: the kube-proxy rules behind a cluster IP. */
import { saw } from '../checks.js';
import { endpointChain, serviceChain } from '../kube-proxy-names.js';
import { fail, pass, type Step, type Verdict } from '../types.js';

/** `-A KUBE-SVC-… … -m statistic --mode random --probability 0.2… -j KUBE-SEP-…` */
function endpointJumps(lines: string[], svcChain: string): { sep: string; probability?: number }[] {
  return lines
    .filter((l) => l.startsWith(`-A ${svcChain} `) && / -j KUBE-SEP-/.test(l))
    .map((l) => ({ sep: /-j (KUBE-SEP-\S+)/.exec(l)![1], probability: /--probability (\S+)/.exec(l) ? Number(/--probability (\S+)/.exec(l)![1]) : undefined }));
}

/** Each endpoint gets an equal share: 1/n, 1/(n-1), …, 1/2, then the last without a probability. */
function checkShares(jumps: { probability?: number }[]): string | undefined {
  const n = jumps.length;
  for (const [i, j] of jumps.entries()) {
    const want = i === n - 1 ? undefined : 1 / (n - i);
    const ok = want === undefined ? j.probability === undefined : j.probability !== undefined && Math.abs(j.probability - want) < 1e-6;
    if (!ok) return `rule ${i + 1} of ${n}: expected ${want === undefined ? 'no probability' : `probability ${want.toFixed(5)}`}, saw ${j.probability ?? 'none'}`;
  }
  return undefined;
}

function checkEndpointChains(lines: string[], jumps: { sep: string }[]): Verdict {
  for (const { sep } of jumps) {
    const rules = lines.filter((l) => l.startsWith(`-A ${sep} `));
    const dnat = /--to-destination ([\d.]+:\d+)/.exec(rules.find((l) => / -j DNAT /.test(l)) ?? '')?.[1];
    if (!dnat) return fail(`expected ${sep} to DNAT to a pod, saw: ${rules.join(' ⏎ ') || 'no rules'}`);
    if (!rules.some((l) => l.includes(`-s ${dnat.split(':')[0]}/32`) && / -j KUBE-MARK-MASQ/.test(l))) return fail(`expected ${sep} to mark hairpin traffic from ${dnat} for masquerade`);
    if (endpointChain('default/nginx', dnat) !== sep) return fail(`expected the endpoint chain of ${dnat} to be named ${endpointChain('default/nginx', dnat)} as kube-proxy names it, saw ${sep}`);
  }
  return pass();
}

export const routingSteps: Step[] = [
  {
    id: '4.1',
    title: 'a cluster IP answers no ping, but TCP to the service port works',
    needs: ['agent', 'proxy'],
    run: ['kubectl exec pod -- ping -c 3 -W 1 {{clusterIP}}', 'kubectl exec pod -- wget -S -O /dev/null http://{{clusterIP}}:80'],
    check: ([ping, tcp]) => {
      if (!/100% packet loss/.test(ping.all)) return fail(`expected 100% packet loss, saw: ${saw(ping)}`);
      return /HTTP\/1\.1 200 OK/.test(tcp.all) ? pass() : fail(`expected HTTP/1.1 200 OK over TCP, saw: ${saw(tcp)}`);
    },
  },
  {
    id: '4.2',
    title: 'the two kube-proxy rules for the service',
    needs: ['proxy'],
    run: ["iptables-save | grep 'default/nginx cluster IP'"],
    withinMs: 10_000,
    provides: ['svcChain'],
    check: ([out], vars) => {
      const lines = out.stdout.trim().split('\n');
      const svcChain = serviceChain('default/nginx');
      const base = (l: string) => l.includes(`-d ${vars.clusterIP}/32`) && /--dport 80\b/.test(l);
      const masq = lines.find((l) => base(l) && l.includes(`! -s ${vars.clusterCIDR}`) && l.endsWith('-j KUBE-MARK-MASQ'));
      const jump = lines.find((l) => base(l) && l.startsWith('-A KUBE-SERVICES ') && l.endsWith(`-j ${svcChain}`));
      if (!masq) return fail(`expected a rule "! -s ${vars.clusterCIDR} -d ${vars.clusterIP}/32 … --dport 80 -j KUBE-MARK-MASQ", saw: ${saw(out)}`);
      if (!jump) return fail(`expected "-A KUBE-SERVICES -d ${vars.clusterIP}/32 … --dport 80 -j ${svcChain}" (kube-proxy's name for default/nginx), saw: ${saw(out)}`);
      return pass({ svcChain });
    },
  },
  {
    id: '4.3',
    title: 'one rule per endpoint with equal shares, each DNATing to a pod',
    needs: ['proxy'],
    run: ["iptables-save -t nat | grep -E '^-A (KUBE-SVC|KUBE-SEP)-' | grep default/nginx"],
    check: ([out], vars) => {
      const lines = out.stdout.trim().split('\n');
      const jumps = endpointJumps(lines, vars.svcChain);
      if (jumps.length !== 5) return fail(`expected 5 rules in ${vars.svcChain} jumping to KUBE-SEP-… chains, saw ${jumps.length}: ${saw(out)}`);
      const shares = checkShares(jumps);
      return shares ? fail(shares) : checkEndpointChains(lines, jumps);
    },
  },
  {
    id: '4.4a',
    title: 'the same service in nftables mode',
    needs: ['proxy-render'],
    run: ['svcnet proxy render --mode nftables --kubeconfig {{kubeconfig}} | grep -E "{{clusterIP}}|default/nginx"'],
    check: ([out], vars) => {
      const element = new RegExp(`add element ip kube-proxy service-ips \\{ ${vars.clusterIP.replace(/\./g, '\\.')} \\. tcp \\. 80 : goto (service-\\S+-default/nginx/tcp/) \\}`).exec(out.stdout);
      if (!element) return fail(`expected the service-ips map to send ${vars.clusterIP} . tcp . 80 to a service-…-default/nginx/tcp/ chain, saw: ${saw(out)}`);
      const spread = new RegExp(`add rule ip kube-proxy ${element[1]} numgen random mod 5 vmap`).test(out.stdout);
      const dnats = new Set([...out.stdout.matchAll(/endpoint-\S+-default\/nginx\/tcp\/__\S+ meta l4proto tcp dnat to ([\d.]+:80)/g)].map((m) => m[1]));
      return spread && dnats.size === 5 ? pass() : fail(`expected "numgen random mod 5" over 5 endpoint chains each DNATing to a pod:80, saw ${dnats.size} DNATs: ${saw(out)}`);
    },
  },
  {
    id: '4.4b',
    title: 'the same service as an IPVS table',
    needs: ['proxy-render'],
    run: ['svcnet proxy render --mode ipvs --kubeconfig {{kubeconfig}}'],
    check: ([out], vars) => {
      const block = out.stdout.split(/\n(?=TCP|UDP|SCTP)/).find((b) => b.startsWith(`TCP  ${vars.clusterIP}:80 `));
      if (!block) return fail(`expected a virtual server "TCP  ${vars.clusterIP}:80 rr", saw: ${saw(out)}`);
      const reals = block.split('\n').filter((l) => /->\s+[\d.]+:80\s+Masq\s+1\b/.test(l));
      return reals.length === 5 ? pass() : fail(`expected 5 real servers "-> <pod>:80  Masq  1", saw: ${block}`);
    },
  },
];
