/**
 * Runs one packet through a rendered nftables transaction: a small interpreter for exactly the
 * rule forms kube-proxy's table uses (concatenated vmap lookups, numgen, fib, sets, dnat). Order
 * follows the hooks: filter-prerouting (firewall), nat-prerouting (DNAT), then filter-input or
 * filter-forward with the post-DNAT destination. numgen branches are all followed.
 */
import { addressMatches, cidrContains, parseCidr } from '../ip.js';
import { NftRuleset } from '../nftables/ruleset.js';
import type { Packet, TraceResult } from './packet-tracer.js';

interface TraceState {
  readonly packet: Required<Packet>;
  readonly localIPs: readonly string[];
  readonly ruleset: NftRuleset;
  dst: string;
  masquerade: boolean;
  readonly outputs: string[];
  readonly matched: string[];
}

type Outcome = 'continue' | 'return' | 'terminal';

export function traceNftables(transaction: string, packet: Packet, nodeIPs: readonly string[], family: 'ip' | 'ip6' = 'ip'): TraceResult {
  const ruleset = new NftRuleset(family);
  ruleset.apply(transaction);
  const state: TraceState = { packet: { proto: 'tcp', ...packet }, localIPs: nodeIPs, ruleset, dst: packet.dst, masquerade: false, outputs: [], matched: [] };
  if (runChain('filter-prerouting', state) === 'terminal') return result(state);
  runChain('nat-prerouting', state);
  const dnat = state.outputs.find((o) => o.includes(':') && o !== 'DROP' && o !== 'REJECT');
  if (dnat) state.dst = dnat.slice(0, dnat.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  runChain(isLocal(state.dst, state) ? 'filter-input' : 'filter-forward', state);
  return result(state);
}

function result(state: TraceState): TraceResult {
  return { output: state.outputs.join(', '), masquerade: state.masquerade, matched: state.matched };
}

function isLocal(ip: string, state: TraceState): boolean {
  return state.localIPs.includes(ip) || cidrContains(parseCidr('127.0.0.0/8')!, ip) || ip === '::1';
}

function runChain(chain: string, state: TraceState): Outcome {
  for (const rule of state.ruleset.chain(chain).rules) {
    const before = state.matched.length;
    const outcome = runRule(tokenize(rule), state);
    if (outcome !== 'continue') {
      // Listed before the rules it led to, so the trace reads top-down.
      state.matched.splice(before, 0, `${chain}: ${rule}`);
      return outcome === 'return' ? 'continue' : outcome;
    }
  }
  return 'continue';
}

function tokenize(rule: string): string[] {
  const tokens: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(rule); m !== null; m = re.exec(rule)) tokens.push(m[1] ?? m[2]!);
  return tokens;
}

/** Evaluates matches left to right; the first statement decides the rule's outcome. */
function runRule(t: string[], state: TraceState): Outcome | 'terminal' {
  const p = state.packet;
  let i = 0;
  const next = () => t[i++]!;
  while (i < t.length) {
    const word = next();
    if (word === 'ct') {
      i += 2; // "state new": every traced packet is new.
    } else if (word === 'ip' || word === 'ip6') {
      const which = next();
      const addr = which === 'daddr' ? state.dst : p.src;
      if (t[i] === '.') return lookupVmap(t, i, [addr, p.proto, String(p.port)], state);
      const negate = t[i] === '!=' ? (i++, true) : false;
      if (matchesValue(t, i, addr, state) === negate) return 'continue';
      i = skipValue(t, i);
    } else if (word === 'meta') {
      next(); // l4proto
      if (t[i] === '.') return lookupVmap(t, i + 3, [p.proto, String(p.port)], state);
      if (next() !== p.proto) return 'continue';
    } else if (word === 'tcp' || word === 'udp' || word === 'sctp') {
      next(); // dport
      if (word !== p.proto || Number(next()) !== p.port) return 'continue';
    } else if (word === 'fib') {
      const which = next();
      i += 2; // type local
      if (!isLocal(which === 'daddr' ? state.dst : p.src, state)) return 'continue';
    } else if (word === 'numgen') {
      i += 3; // random mod N
      return runNumgen(t.slice(i + 1), state);
    } else if (word === 'comment') {
      i++;
    } else {
      return runStatement(word, t.slice(i), state);
    }
  }
  return 'continue';
}

function matchesValue(t: string[], i: number, addr: string, state: TraceState): boolean {
  const value = t[i]!;
  if (value.startsWith('@')) return [...state.ruleset.set(value.slice(1)).elements.keys()].some((k) => addressMatches(k, addr));
  if (value === '{') return t.slice(i + 1, t.indexOf('}', i)).filter((v) => v !== ',').some((v) => v.split(',').some((c) => addressMatches(c, addr)));
  return addressMatches(value, addr);
}

function skipValue(t: string[], i: number): number {
  return t[i] === '{' ? t.indexOf('}', i) + 1 : i + 1;
}

/** `<key> . <key> vmap @map`: the map's verdict for the packet's key, if it has one. */
function lookupVmap(t: string[], i: number, key: string[], state: TraceState): Outcome {
  const mapName = t[t.indexOf('vmap', i) + 1]!.slice(1);
  const element = state.ruleset.set(mapName).elements.get(key.join(' . '));
  if (!element?.value) return 'continue';
  return runStatement(element.value.split(' ')[0]!, element.value.split(' ').slice(1), state);
}

function runNumgen(t: string[], state: TraceState): Outcome {
  // t is "{ 0 : goto a , 1 : goto b }": follow every branch, as each is possible.
  const targets = t.filter((_, j) => t[j - 1] === 'goto');
  for (const chain of targets) runChain(chain, state);
  return 'terminal';
}

function runStatement(word: string, rest: string[], state: TraceState): Outcome {
  switch (word) {
    case 'jump':
      return runChain(rest[0]!, state) === 'terminal' ? 'terminal' : 'continue';
    case 'goto':
      return runChain(rest[0]!, state) === 'terminal' ? 'terminal' : 'return';
    case 'drop':
      state.outputs.push('DROP');
      return 'terminal';
    case 'reject':
      state.outputs.push('REJECT');
      return 'terminal';
    case 'accept':
      return 'terminal';
    case 'return':
      return 'return';
    case 'dnat':
      state.outputs.push(rest[1]!);
      return 'terminal';
    case 'mark':
      if (rest.join(' ').startsWith('set mark or')) state.masquerade = true;
      return 'continue';
    case 'update':
    case 'masquerade':
      return 'continue';
    default:
      throw new Error(`nft tracer: unsupported statement "${word} ${rest.join(' ')}"`);
  }
}
