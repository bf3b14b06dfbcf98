/**
 * renderNftablesUpdate: the incremental transaction that turns the table one full render produced
 * into the table the next full render describes, touching only what changed (kube-proxy's partial
 * sync, KEP-3866: map elements added/deleted one by one, only changed service chains rewritten).
 * Computed by comparing the two rendered scripts, so it can never disagree with a full sync.
 */
import { NftRuleset, type NftElement } from './ruleset.js';
import { isAffinitySetName, isServiceChainName } from './names.js';

export interface NftablesUpdate {
  /** The `nft -f` transaction; empty when nothing changed. */
  readonly script: string;
  /**
   * Service chains now unused: flushed by this transaction, to be deleted by a later one at least a
   * second afterwards (kernels < 6.2 notice late that a deleted map element no longer uses them).
   */
  readonly staleChains: readonly string[];
  /** The fixed part of the table differs (first sync, new base chains, new flags): run `next` whole. */
  readonly fullSyncNeeded: boolean;
}

export function renderNftablesUpdate(previousScript: string, nextScript: string, family: 'ip' | 'ip6' = 'ip'): NftablesUpdate {
  const prev = applied(previousScript, family);
  const next = applied(nextScript, family);
  if (!sameSkeleton(prev, next)) return { script: nextScript, staleChains: [], fullSyncNeeded: true };
  const lines: string[] = [];
  const p = `${family} ${next.table}`;
  addNewSets(prev, next, p, lines);
  rewriteChangedChains(prev, next, p, lines);
  updateElements(prev, next, p, lines);
  const staleChains = [...prev.objects.chains.keys()].filter((c) => !next.objects.chains.has(c)).sort();
  for (const chain of staleChains) lines.push(`flush chain ${p} ${chain}`);
  for (const set of [...prev.objects.sets.keys()].sort()) {
    if (!next.objects.sets.has(set) && isAffinitySetName(set)) lines.push(`delete set ${p} ${set}`);
  }
  return { script: lines.map((l) => l + '\n').join(''), staleChains, fullSyncNeeded: false };
}

function applied(script: string, family: 'ip' | 'ip6'): NftRuleset {
  const ruleset = new NftRuleset(family);
  ruleset.apply(script);
  return ruleset;
}

/** Everything but service chains, affinity sets and elements must be identical for a partial sync. */
function sameSkeleton(prev: NftRuleset, next: NftRuleset): boolean {
  if (prev.tableSpec !== next.tableSpec || prev.tableSpec === '') return false;
  const fixedChains = (r: NftRuleset) => JSON.stringify([...r.objects.chains].filter(([name]) => !isServiceChainName(name)).sort(byName));
  const fixedSets = (r: NftRuleset) => JSON.stringify([...r.objects.sets].filter(([name]) => !isAffinitySetName(name)).map(([name, s]) => [name, s.kind, s.spec]).sort(byName));
  return fixedChains(prev) === fixedChains(next) && fixedSets(prev) === fixedSets(next);
}

/** Orders [name, ...] entries by name. */
function byName(a: readonly unknown[], b: readonly unknown[]): number {
  const x = String(a[0]);
  const y = String(b[0]);
  return x < y ? -1 : x > y ? 1 : 0;
}

function addNewSets(prev: NftRuleset, next: NftRuleset, p: string, lines: string[]): void {
  for (const [name, set] of [...next.objects.sets].sort(byName)) {
    if (!prev.objects.sets.has(name)) lines.push(`add ${set.kind} ${p} ${name} ${set.spec}`);
  }
}

/** New chains are created first (elements may point at them), changed ones flushed and refilled. */
function rewriteChangedChains(prev: NftRuleset, next: NftRuleset, p: string, lines: string[]): void {
  const changed = [...next.objects.chains].sort(byName).filter(([name, chain]) => {
    const old = prev.objects.chains.get(name);
    return old === undefined || old.rules.join('\n') !== chain.rules.join('\n');
  });
  for (const [name, chain] of changed) {
    if (!prev.objects.chains.has(name)) lines.push(`add chain ${p} ${name}${chain.spec ? ' ' + chain.spec : ''}`);
  }
  for (const [name, chain] of changed) {
    if (prev.objects.chains.has(name)) lines.push(`flush chain ${p} ${name}`);
    for (const rule of chain.rules) lines.push(`add rule ${p} ${name} ${rule}`);
  }
}

/** Removed keys are deleted, new keys added, a changed value is a delete then an add. */
function updateElements(prev: NftRuleset, next: NftRuleset, p: string, lines: string[]): void {
  for (const [name, set] of [...next.objects.sets].sort(byName)) {
    const old = prev.objects.sets.get(name)?.elements ?? new Map<string, NftElement>();
    for (const [key, element] of old) {
      const now = set.elements.get(key);
      if (now === undefined || now.value !== element.value || now.comment !== element.comment) lines.push(`delete element ${p} ${name} { ${key} }`);
    }
    for (const [key, element] of set.elements) {
      const before = old.get(key);
      if (before === undefined || before.value !== element.value || before.comment !== element.comment) lines.push(`add element ${p} ${name} ${elementBody(element)}`);
    }
  }
}

function elementBody(e: NftElement): string {
  return `{ ${e.key}${e.comment !== undefined ? ` comment "${e.comment}"` : ''}${e.value ? ` : ${e.value}` : ''} }`;
}
