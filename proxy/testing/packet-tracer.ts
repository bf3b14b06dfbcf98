/**
 * Runs one packet through rendered iptables-restore text, like upstream's tracePacket: nat
 * KUBE-SERVICES (DNAT and masquerade marking), then the filter chains kube-proxy owns, with the
 * post-DNAT destination. Probabilistic rules are followed *and* skipped, so the result lists every
 * endpoint the packet could reach. Behaviour tests assert on this instead of on rule text.
 */
import { addressMatches, parseCidr, cidrContains } from '../ip.js';
import { parseRestoreText, tokenizeRule } from '../iptables/restore-text.js';

export interface Packet {
  readonly src: string;
  readonly dst: string;
  readonly port: number;
  /** icmp stands for ping: no port, matched by no service rule. */
  readonly proto?: 'tcp' | 'udp' | 'sctp' | 'icmp';
}

export interface TraceResult {
  /** "ip:port" DNAT targets joined by ", ", or REJECT / DROP, or "" when nothing applied. */
  readonly output: string;
  readonly masquerade: boolean;
  /** Every rule that matched, in order: handy in assertion messages. */
  readonly matched: readonly string[];
}

type Rules = ReadonlyMap<string, readonly string[][]>;

interface TraceState {
  readonly packet: Required<Packet>;
  readonly localIPs: readonly string[];
  dnatted: boolean;
  masquerade: boolean;
  readonly outputs: string[];
  readonly matched: string[];
}

/** Node-local addresses answer `addrtype LOCAL`; loopback always does. */
function isLocal(ip: string, localIPs: readonly string[]): boolean {
  return localIPs.includes(ip) || cidrContains(parseCidr('127.0.0.0/8')!, ip) || ip === '::1';
}

export function traceIptables(restoreText: string, packet: Packet, nodeIPs: readonly string[]): TraceResult {
  const tables = new Map(parseRestoreText(restoreText).tables.map((t) => [t.name, rulesByChain(t.rules)]));
  const state: TraceState = { packet: { proto: 'tcp', ...packet }, localIPs: nodeIPs, dnatted: false, masquerade: false, outputs: [], matched: [] };
  const nat = tables.get('nat') ?? new Map();
  const filter = tables.get('filter') ?? new Map();
  runChain(nat, 'KUBE-SERVICES', state, packet.dst);
  const dnat = state.outputs[0];
  // The filter table sees the packet after DNAT; which hook (INPUT/FORWARD/OUTPUT) depends on the
  // topology, so the chains kube-proxy owns are run directly.
  const dst = dnat ? dnat.slice(0, dnat.lastIndexOf(':')).replace(/^\[|\]$/g, '') : packet.dst;
  for (const chain of ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL']) {
    runChain(filter, chain, state, dst);
  }
  return { output: state.outputs.join(', '), masquerade: state.masquerade, matched: state.matched };
}

function rulesByChain(rules: readonly { chain: string; line: string }[]): Rules {
  const map = new Map<string, string[][]>();
  for (const r of rules) map.set(r.chain, [...(map.get(r.chain) ?? []), tokenizeRule(r.line)]);
  return map;
}

/** Returns true when the packet met a terminating target (DNAT, REJECT, DROP, ACCEPT). */
function runChain(rules: Rules, chain: string, state: TraceState, dst: string): boolean {
  for (const args of rules.get(chain) ?? []) {
    const match = matchRule(args, state, dst);
    if (match === 'no') continue;
    state.matched.push(args.join(' '));
    const terminated = applyTarget(rules, args, state, dst);
    // A probabilistic rule may also not fire: follow it, then carry on as if it had not matched.
    if (match === 'maybe') continue;
    if (terminated || target(args) === 'RETURN') return terminated;
  }
  return false;
}

function target(args: readonly string[]): string | undefined {
  const j = args.indexOf('-j');
  return j >= 0 ? args[j + 1] : undefined;
}

function applyTarget(rules: Rules, args: readonly string[], state: TraceState, dst: string): boolean {
  const t = target(args);
  const option = (name: string) => args[args.indexOf(name) + 1]!;
  switch (t) {
    case undefined:
    case 'RETURN':
      return false;
    case 'DNAT':
      state.outputs.push(option('--to-destination'));
      state.dnatted = true;
      return true;
    case 'REJECT':
    case 'DROP':
    case 'ACCEPT':
      state.outputs.push(t);
      return true;
    case 'MARK':
      if (args.includes('--or-mark')) state.masquerade = true;
      return false;
    case 'MASQUERADE':
      return false;
    default:
      return runChain(rules, t, state, dst);
  }
}

/** "maybe" for a matching rule that fires only with some probability. */
function matchRule(args: readonly string[], state: TraceState, dst: string): 'yes' | 'no' | 'maybe' {
  const p = state.packet;
  let result: 'yes' | 'maybe' = 'yes';
  for (let i = 2; i < args.length; i++) {
    const negate = args[i] === '!';
    if (negate) i++;
    const flag = args[i]!;
    const value = args[i + 1] ?? '';
    let ok: boolean;
    switch (flag) {
      case '-j':
        return result;
      case '-m':
      case '--comment':
      case '--mode':
      case '--name':
      case '--seconds':
      case '--nfacct-name':
        i++;
        continue;
      case '--reap':
      case '--set':
        continue;
      case '--rcheck':
        // No affinity has been recorded for this (first) packet.
        return 'no';
      case '-p':
        ok = value === p.proto;
        i++;
        break;
      case '-s':
        ok = addressMatches(value, p.src);
        i++;
        break;
      case '-d':
        ok = addressMatches(value, dst);
        i++;
        break;
      case '--dport':
        ok = Number(value) === p.port;
        i++;
        break;
      case '--dst-type':
        ok = value === 'LOCAL' && isLocal(dst, state.localIPs);
        i++;
        break;
      case '--src-type':
        ok = value === 'LOCAL' && isLocal(p.src, state.localIPs);
        i++;
        break;
      case '--probability':
        result = 'maybe';
        i++;
        continue;
      case '--ctstate':
        ok = value.split(',').some((s) => s === 'NEW' || (s === 'DNAT' && state.dnatted));
        i++;
        break;
      case '--mark':
        ok = state.masquerade;
        i++;
        break;
      default:
        throw new Error(`packet tracer: unsupported iptables argument "${flag}" in: ${args.join(' ')}`);
    }
    if (ok === negate) return 'no';
  }
  return result;
}
