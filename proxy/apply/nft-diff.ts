/**
 * Incremental nftables transactions, derived from two full renders: kube-proxy's partial sync
 * (only changed chains rewritten, map/set elements added and deleted one by one against a shadow
 * copy) without a second renderer. The full render stays the single source of truth; this only
 * decides which of its lines the kernel does not have yet.
 */

/** A full transaction, indexed by object. */
export interface ParsedTransaction {
  readonly chainDecls: Map<string, string>;
  readonly chainRules: Map<string, string[]>;
  readonly setDecls: Map<string, string>;
  /** Per set/map: element key → the whole "add element" line. */
  readonly elements: Map<string, Map<string, string>>;
  /** Lines that only make sense as written ("delete set" of stale affinity sets). */
  readonly passThrough: string[];
  /** Something this diff does not model (e.g. deleting a fixed set): apply the full text instead. */
  readonly needsFull: boolean;
}

const addElement = /^add element (\S+ \S+) (\S+) \{ (.*) \}$/;

export function parseTransaction(text: string): ParsedTransaction {
  const p: ParsedTransaction = { chainDecls: new Map(), chainRules: new Map(), setDecls: new Map(), elements: new Map(), passThrough: [], needsFull: false };
  let needsFull = false;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const words = line.split(' ', 5);
    const verb = `${words[0]} ${words[1]}`;
    const name = words[4]!;
    if (verb === 'add rule') {
      let rules = p.chainRules.get(name);
      if (!rules) p.chainRules.set(name, (rules = []));
      rules.push(line);
    } else if (verb === 'add chain') {
      p.chainDecls.set(name, line);
      if (!p.chainRules.has(name)) p.chainRules.set(name, []);
    } else if (verb === 'add element') {
      const m = addElement.exec(line);
      if (!m) {
        needsFull = true;
        continue;
      }
      let els = p.elements.get(m[2]!);
      if (!els) p.elements.set(m[2]!, (els = new Map()));
      els.set(elementKey(m[3]!), line);
    } else if (verb === 'add set' || verb === 'add map') {
      p.setDecls.set(name, line);
    } else if (verb === 'delete set') {
      if (name.startsWith('affinity-')) p.passThrough.push(line);
      else needsFull = true;
    }
    // add table, flush chain/set/map and delete chain are implied by the diff (or full-sync only).
  }
  return { ...p, needsFull };
}

/** The key of an element body "k1 . k2 [comment "…"] [: value]". */
function elementKey(body: string): string {
  const end = [body.indexOf(' comment "'), body.indexOf(' : ')].filter((i) => i >= 0);
  return end.length ? body.slice(0, Math.min(...end)) : body;
}

/**
 * The transaction that turns `previous` into `next`: new set declarations, rewritten chains
 * (add + flush + rules), element deletions then additions, flushes of vanished chains (deleted by
 * a later sync, see NftablesObjectTracker), and the pass-through lines.
 */
export function diffTransactions(previous: ParsedTransaction, next: ParsedTransaction, family: string, table: string): string {
  const prefix = `${family} ${table}`;
  const out: string[] = [];
  for (const [name, decl] of next.setDecls) if (previous.setDecls.get(name) !== decl) out.push(decl);
  // Every rewritten chain is declared before any rule, so rules may jump to chains new in this batch.
  const rules: string[] = [];
  for (const [chain, chainRules] of next.chainRules) {
    const decl = next.chainDecls.get(chain);
    if (decl === undefined) continue;
    const before = previous.chainRules.get(chain);
    if (previous.chainDecls.get(chain) === decl && before && sameLines(before, chainRules)) continue;
    out.push(decl, `flush chain ${prefix} ${chain}`);
    rules.push(...chainRules);
  }
  out.push(...rules);
  const adds: string[] = [];
  for (const name of new Set([...previous.elements.keys(), ...next.elements.keys()])) {
    const was = previous.elements.get(name) ?? new Map<string, string>();
    const now = next.elements.get(name) ?? new Map<string, string>();
    if (!next.setDecls.has(name)) continue;
    for (const [key, line] of was) {
      if (now.get(key) !== line) out.push(`delete element ${prefix} ${name} { ${key} }`);
    }
    for (const [key, line] of now) if (was.get(key) !== line) adds.push(line);
  }
  out.push(...adds);
  for (const chain of previous.chainDecls.keys()) {
    if (!next.chainDecls.has(chain)) out.push(`flush chain ${prefix} ${chain}`);
  }
  out.push(...next.passThrough);
  return out.map((l) => l + '\n').join('');
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}
