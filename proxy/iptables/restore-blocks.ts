/**
 * How a restore input is cut into transactions before it reaches iptables-nft.
 *
 * iptables-nft 1.8.9 keeps, per COMMIT block, a name-sorted linked list of every chain the block's
 * commands name (the chain of each line and the chain it jumps to: `cache_chain_list_insert`, to
 * know which chains to fetch from the kernel), and walks it from the head for every command. A
 * block naming n chains with r rules therefore costs r × n/2 string comparisons: a full sync of
 * 10,000 Services (110k chains, 320k rules) spent ~1,000 s in that loop (perf: 70 % `strcmp` +
 * the loop itself), whatever the declaration order.
 *
 * A large table is therefore written as several COMMIT blocks of at most `maxRulesPerBlock` rules,
 * in dependency order: a chain goes in a block after (or with) every declared chain it jumps to,
 * so each block commits a complete, consistent set of chains — KUBE-SEP chains first, then
 * KUBE-SVC/SVL, KUBE-EXT, KUBE-FW, and the dispatch chains (KUBE-SERVICES…) with the stale chain
 * deletions (`-X`) last. Each block is atomic on its own; between two blocks the kernel holds
 * new versions of some Services' chains still reached through the old dispatch chains, never a
 * jump to a missing chain. Inputs with positional edits (partial syncs) are never split.
 */
import { tokenizeRule } from './restore-text.js';

/** 5,000 rules per block: a 10,000-Service full sync in 64 blocks took ~33 s instead of ~1,000 s. */
export const defaultMaxRulesPerBlock = 5000;

interface TableBlock {
  readonly header: string;
  readonly declarations: Map<string, string>;
  readonly rules: Map<string, string[]>;
  readonly trailer: string[];
}

/**
 * The same input with each chain declared in descending name order within its block (the order
 * that keeps the list walk short for declarations) and tables larger than `maxRulesPerBlock`
 * rules cut into dependency-ordered blocks.
 */
export function splitRestoreInput(input: string, maxRulesPerBlock = defaultMaxRulesPerBlock): string {
  const out: string[] = [];
  let table: TableBlock | undefined;
  for (const line of input.split('\n')) {
    if (table === undefined) {
      if (line.startsWith('*')) table = { header: line, declarations: new Map(), rules: new Map(), trailer: [] };
      else if (line !== '') out.push(line);
      continue;
    }
    if (line === 'COMMIT') {
      // A loop, not push(...lines): a 10,000-Service table has more lines than a call takes arguments.
      for (const printed of printTable(table, maxRulesPerBlock)) out.push(printed);
      table = undefined;
    } else if (line.startsWith(':')) {
      const chain = line.slice(1).split(' ')[0]!;
      table.declarations.set(chain, line);
      if (!table.rules.has(chain)) table.rules.set(chain, []);
    } else if (line.startsWith('-A ')) {
      const chain = line.slice(3, line.indexOf(' ', 3));
      const rules = table.rules.get(chain);
      if (rules) rules.push(line);
      else table.rules.set(chain, [line]);
    } else if (line !== '') {
      table.trailer.push(line);
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}

function printTable(table: TableBlock, maxRulesPerBlock: number): string[] {
  const ruleCount = [...table.rules.values()].reduce((n, r) => n + r.length, 0);
  const positional = table.trailer.some((l) => !l.startsWith('-X '));
  // Stale chains are flushed (declared) and deleted in the last block, once nothing jumps to them.
  const stale = new Set(table.trailer.map((l) => l.slice(3).trim()));
  const live = [...table.rules.keys()].filter((c) => !stale.has(c));
  const blocks = ruleCount > maxRulesPerBlock && !positional ? packBlocks(table, live, maxRulesPerBlock) : [live];
  for (const chain of table.rules.keys()) if (stale.has(chain)) blocks[blocks.length - 1]!.push(chain);
  return blocks.flatMap((chains, i) => [
    table.header,
    ...chains.filter((c) => table.declarations.has(c)).sort(descending).map((c) => table.declarations.get(c)!),
    ...chains.flatMap((c) => table.rules.get(c)!),
    ...(i === blocks.length - 1 ? table.trailer : []),
    'COMMIT',
  ]);
}

/** Chains by dependency depth (a chain after the declared chains it jumps to), packed into blocks. */
function packBlocks(table: TableBlock, live: readonly string[], maxRulesPerBlock: number): string[][] {
  const depth = dependencyDepths(table);
  const chains = [...live].sort((a, b) => depth.get(a)! - depth.get(b)!);
  const blocks: string[][] = [];
  let current: string[] = [];
  let rules = 0;
  for (const chain of chains) {
    const n = table.rules.get(chain)!.length;
    if (current.length && rules + n > maxRulesPerBlock) {
      blocks.push(current);
      current = [];
      rules = 0;
    }
    current.push(chain);
    rules += n;
  }
  blocks.push(current);
  return blocks;
}

/** 0 for chains that jump to no declared chain, else 1 + the deepest target (kube-proxy's chains form a DAG). */
function dependencyDepths(table: TableBlock): Map<string, number> {
  const depth = new Map<string, number>();
  const visit = (chain: string): number => {
    const known = depth.get(chain);
    if (known !== undefined) return known;
    depth.set(chain, 0); // a cycle (never rendered) cannot recurse forever
    let d = 0;
    for (const target of jumpTargets(table.rules.get(chain) ?? [])) {
      if (target !== chain && table.rules.has(target)) d = Math.max(d, visit(target) + 1);
    }
    depth.set(chain, d);
    return d;
  };
  for (const chain of table.rules.keys()) visit(chain);
  return depth;
}

function* jumpTargets(rules: readonly string[]): Generator<string> {
  for (const rule of rules) {
    const tokens = tokenizeRule(rule);
    for (let i = 0; i < tokens.length - 1; i++) if (tokens[i] === '-j' || tokens[i] === '-g') yield tokens[i + 1]!;
  }
}

function descending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}
