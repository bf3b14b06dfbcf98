/**
 * renderNftablesPartial: the incremental `nft -f` transaction of a partial sync (KEP-3866), in
 * proportion to the change: only changed Services are rendered again and compared with their last
 * applied fragment. New chains are added, changed chains flushed and refilled, vanished chains
 * flushed (deleted by a later transaction, see apply/nftables.ts), map and set elements deleted and
 * added one by one, vanished affinity sets deleted. The fixed part of the table is not touched.
 */
import { changedFragments, type ProxyState } from '../model.js';
import type { NftablesRenderConfig } from './config.js';
import { renderServiceFragment, type NftServiceFragment } from './fragments.js';
import { kubeProxyTable } from './names.js';
import { nftablesContextKey, serviceContext, type AppliedNftables } from './render.js';

export interface NftablesPartialSync {
  /** The transaction; empty when nothing changed. */
  readonly text: string;
  readonly applied: AppliedNftables;
  readonly addedChains: readonly string[];
  /** Chains this transaction flushes because no Service uses them any more. */
  readonly staleChains: readonly string[];
  readonly addedSets: readonly string[];
  readonly deletedSets: readonly string[];
}

/** The transaction's lines, kept in the order nft needs them (objects before their users). */
class Delta {
  readonly addSets: string[] = [];
  readonly addChains: string[] = [];
  readonly flushChains: string[] = [];
  readonly addRules: string[] = [];
  readonly deleteElements: string[] = [];
  readonly addElements: string[] = [];
  readonly deleteSets: string[] = [];

  text(): string {
    const all = [...this.addSets, ...this.addChains, ...this.flushChains, ...this.addRules, ...this.deleteElements, ...this.addElements, ...this.deleteSets];
    return all.map((l) => l + '\n').join('');
  }
}

/**
 * The transaction that turns `applied` into the table for `state`, given the Services ("ns/name")
 * that changed since. Undefined when the settings changed: the caller runs a full sync.
 */
export function renderNftablesPartial(applied: AppliedNftables, state: ProxyState, changed: ReadonlySet<string>, config: NftablesRenderConfig): NftablesPartialSync | undefined {
  const contextKey = nftablesContextKey(state, config);
  if (contextKey !== applied.contextKey) return undefined;
  const ipX = state.ipFamily === 6 ? 'ip6' : 'ip';
  const ctx = serviceContext(ipX, config);
  const prefix = `${ipX} ${kubeProxyTable}`;
  const delta = new Delta();
  const result = { addedChains: [] as string[], staleChains: [] as string[], addedSets: [] as string[], deletedSets: [] as string[] };
  const fragments = changedFragments(applied.fragments, state, changed, (entries) => renderServiceFragment(entries, ctx), (before, after) => {
    writeSetChanges(before, after, prefix, delta, result);
    writeChainChanges(before, after, prefix, delta, result);
    writeElementChanges(before, after, prefix, delta);
  });
  return { text: delta.text(), applied: { contextKey, fragments }, ...result };
}

function writeSetChanges(before: NftServiceFragment | undefined, after: NftServiceFragment | undefined, prefix: string, delta: Delta, result: { addedSets: string[]; deletedSets: string[] }): void {
  for (const [set, line] of after?.sets ?? []) {
    if (before?.sets.has(set)) continue;
    delta.addSets.push(line);
    result.addedSets.push(set);
  }
  for (const set of before?.sets.keys() ?? []) {
    if (after?.sets.has(set)) continue;
    delta.deleteSets.push(`delete set ${prefix} ${set}`);
    result.deletedSets.push(set);
  }
}

function writeChainChanges(before: NftServiceFragment | undefined, after: NftServiceFragment | undefined, prefix: string, delta: Delta, result: { addedChains: string[]; staleChains: string[] }): void {
  for (const [chain, rules] of after?.chains ?? []) {
    const old = before?.chains.get(chain);
    if (old === undefined) {
      delta.addChains.push(`add chain ${prefix} ${chain}`);
      result.addedChains.push(chain);
    } else if (sameLines(old, rules)) {
      continue;
    } else {
      delta.flushChains.push(`flush chain ${prefix} ${chain}`);
    }
    delta.addRules.push(...rules);
  }
  for (const chain of before?.chains.keys() ?? []) {
    if (after?.chains.has(chain)) continue;
    delta.flushChains.push(`flush chain ${prefix} ${chain}`);
    result.staleChains.push(chain);
  }
}

/** A changed element (same key, other value or comment) is a delete then an add. */
function writeElementChanges(before: NftServiceFragment | undefined, after: NftServiceFragment | undefined, prefix: string, delta: Delta): void {
  for (const [id, element] of before?.elements ?? []) {
    if (after?.elements.get(id)?.line === element.line) continue;
    delta.deleteElements.push(`delete element ${prefix} ${element.set} { ${element.key} }`);
  }
  for (const [id, element] of after?.elements ?? []) {
    if (before?.elements.get(id)?.line !== element.line) delta.addElements.push(element.line);
  }
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}
