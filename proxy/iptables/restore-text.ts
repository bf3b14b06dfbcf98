/**
 * The iptables-restore text format: parse it, print it, and put it in the canonical order
 * kube-proxy's own tests compare in (sortIPTablesRules), so our output and upstream's goldens are
 * byte-comparable even though kube-proxy itself writes services in random (Go map) order.
 */

export interface RestoreRule {
  readonly chain: string;
  /** The whole line as written, starting with "-A". */
  readonly line: string;
}

export interface RestoreTable {
  readonly name: string;
  readonly chains: readonly string[];
  readonly rules: readonly RestoreRule[];
  /** Chains deleted with "-X" after being flushed by their declaration line. */
  readonly deletedChains: readonly string[];
  /** Positional "-D CHAIN n" / "-I CHAIN n …" lines of a partial sync, applied after the rules. */
  readonly edits?: readonly string[];
}

export interface RestoreDump {
  readonly tables: readonly RestoreTable[];
}

/** Splits a rule into arguments, honouring double quotes (comments with spaces). */
export function tokenizeRule(line: string): string[] {
  const tokens: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) tokens.push(m[1] ?? m[2]!);
  return tokens;
}

export function parseRestoreText(text: string): RestoreDump {
  const tables: RestoreTable[] = [];
  let current: { name: string; chains: string[]; rules: RestoreRule[]; deletedChains: string[]; edits: string[] } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      current = { name: line.slice(1), chains: [], rules: [], deletedChains: [], edits: [] };
      continue;
    }
    if (!current) throw new Error(`iptables-restore text: "${line}" outside a table`);
    if (line === 'COMMIT') {
      tables.push(current);
      current = undefined;
    } else if (line.startsWith(':')) {
      current.chains.push(line.slice(1).split(' ')[0]!);
    } else if (line.startsWith('-A ')) {
      current.rules.push({ chain: line.split(' ')[1]!, line });
    } else if (line.startsWith('-X ')) {
      current.deletedChains.push(line.split(' ')[1]!);
    } else if (line.startsWith('-D ') || line.startsWith('-I ')) {
      current.edits.push(line);
    } else {
      throw new Error(`iptables-restore text: unsupported line "${line}"`);
    }
  }
  if (current) throw new Error(`iptables-restore text: table ${current.name} has no COMMIT`);
  return { tables };
}

/** Prints like upstream's IPTablesDump.String(): chain lines, rules grouped by chain, then -X. */
export function printRestoreDump(dump: RestoreDump): string {
  const out: string[] = [];
  for (const table of dump.tables) {
    out.push(`*${table.name}`);
    for (const chain of table.chains) out.push(`:${chain} - [0:0]`);
    const byChain = new Map<string, string[]>(table.chains.map((c) => [c, []]));
    for (const rule of table.rules) byChain.get(rule.chain)?.push(rule.line);
    for (const lines of byChain.values()) out.push(...lines);
    out.push(...(table.edits ?? []));
    for (const chain of table.deletedChains) out.push(`-X ${chain}`);
    out.push('COMMIT');
  }
  return out.join('\n') + '\n';
}

const nodePortsChain = 'KUBE-NODEPORTS';
const servicesChain = 'KUBE-SERVICES';

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** KUBE-NODEPORTS first, KUBE-SERVICES second, other KUBE-* by name, then the rest by name. */
function compareChains(a: string, b: string): number {
  const rank = (c: string) => (c === nodePortsChain ? 0 : c === servicesChain ? 1 : c.startsWith('KUBE-') ? 2 : 3);
  return rank(a) - rank(b) || compareStrings(a, b);
}

/**
 * The value of a rule's `--comment`, read in place rather than by tokenising the whole rule: the
 * sort of KUBE-SERVICES reads it for every rule (10,000 at 10,000 Services, a fifth of a partial
 * sync's render). Rules are single-spaced, as we print them and as iptables-save does.
 */
export function ruleComment(line: string): string | undefined {
  const flag = ' --comment ';
  const at = line.indexOf(flag);
  if (at < 0) return undefined;
  const start = at + flag.length;
  if (line[start] === '"') {
    const end = line.indexOf('"', start + 1);
    if (end >= 0) return line.slice(start + 1, end);
  }
  const end = line.indexOf(' ', start);
  return line.slice(start, end < 0 ? undefined : end);
}

/** The service name in a comment: the text up to the first space or colon. */
function commentServiceName(line: string): string | undefined {
  const comment = ruleComment(line);
  return comment === undefined ? undefined : comment.split(/[ :]/)[0];
}

function byServiceName(a: { name: string | undefined }, b: { name: string | undefined }): number {
  if (a.name === undefined || b.name === undefined) return 0;
  return compareStrings(a.name, b.name);
}

/** Stable sort of one chain's rules by service name (optionally keeping "last rule" rules last). */
function sortChainRules(rules: readonly RestoreRule[], chain: string, keepLastRuleLast: boolean): RestoreRule[] {
  // Keys are computed once per rule: tokenizing inside the comparator is quadratic-ish at scale.
  const keyed = rules
    .filter((r) => r.chain === chain)
    .map((rule) => ({ rule, name: commentServiceName(rule.line), last: keepLastRuleLast && (ruleComment(rule.line) ?? '').includes('must be the last rule') }));
  // Array.prototype.sort is stable, which upstream's sort.SliceStable relies on too.
  keyed.sort((a, b) => Number(a.last) - Number(b.last) || byServiceName(a, b));
  return keyed.map((k) => k.rule);
}

function sortDispatchRules(table: RestoreTable): RestoreRule[] {
  const nodePorts = sortChainRules(table.rules, nodePortsChain, false);
  const services = sortChainRules(table.rules, servicesChain, true);
  const others = table.rules.filter((r) => r.chain !== nodePortsChain && r.chain !== servicesChain);
  return [...nodePorts, ...services, ...others];
}

/** Upstream's sortIPTablesRules: order-independent form that keeps the order inside each chain. */
export function sortRestoreDump(dump: RestoreDump): RestoreDump {
  const tables = [...dump.tables]
    .sort((a, b) => compareStrings(a.name, b.name))
    .map((t) => ({ ...t, chains: [...t.chains].sort(compareChains), rules: sortDispatchRules(t) }));
  return { tables };
}

export function normalizeRestoreText(text: string): string {
  return printRestoreDump(sortRestoreDump(parseRestoreText(text)));
}
