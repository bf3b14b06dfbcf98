/**
 * renderIptablesPartial: the iptables-restore input of a partial sync (KEP-3453), rendered in
 * proportion to the change. Only the changed Services are rendered again; of their chains, the new
 * or different ones are written and the vanished ones flushed and deleted (-X). The shared dispatch
 * chains are rewritten only when a changed Service's capture rules differ, so an endpoint change
 * leaves KUBE-SERVICES alone (kube-proxy rewrites it on every sync, which costs a rule per Service
 * in the kernel). Chains that stay the same are not even declared: under --noflush a declaration
 * would flush them.
 */
import { changedFragments, serviceKey, type ProxyState } from '../model.js';
import type { IptablesRenderConfig } from './config.js';
import { RestoreBuffers, type RenderContext } from './context.js';
import { renderServiceFragment, sameDispatch, sameLines, type ServiceFragment, type TableName } from './fragments.js';
import { contextKeyOf, renderContext, sharedChainsOf, writeSharedRules, type AppliedIptables, type IptablesSync } from './render.js';
import { printRestoreDump, sortRestoreDump, type RestoreDump } from './restore-text.js';

/**
 * The sync that turns `applied` into the rules for `state`, given the Services ("ns/name") that
 * changed since. Undefined when the settings changed (node addresses, large-cluster mode, …):
 * every Service's rules may differ, so the caller runs a full sync.
 */
export function renderIptablesPartial(applied: AppliedIptables, state: ProxyState, changed: ReadonlySet<string>, config: IptablesRenderConfig): IptablesSync | undefined {
  const ctx = renderContext(state, config);
  const contextKey = contextKeyOf(ctx);
  if (contextKey !== applied.contextKey) return undefined;
  const out = new RestoreBuffers();
  let dispatchChanged = false;
  const fragments = changedFragments(applied.fragments, state, changed, (entries) => renderServiceFragment(entries, ctx), (before, after) => {
    dispatchChanged ||= !sameDispatch(before, after);
    writeChangedOwnChains(before, after, out);
  });
  const edits = new Map<TableName, string[]>([['filter', []], ['nat', []]]);
  const sharedChains = dispatchChanged ? writeChangedSharedChains(applied.sharedChains, state, fragments, ctx, out, edits) : applied.sharedChains;
  const dump = sortRestoreDump(out.dump());
  const withEdits = { tables: dump.tables.map((t) => ({ ...t, edits: edits.get(t.name as TableName) })) };
  return { text: printNonEmpty(withEdits), applied: { contextKey, fragments, sharedChains } };
}

/** New or different chains are declared (flushing them) and written; vanished ones deleted. */
function writeChangedOwnChains(before: ServiceFragment | undefined, after: ServiceFragment | undefined, out: RestoreBuffers): void {
  for (const [chain, lines] of after?.chains ?? []) {
    if (sameLines(before?.chains.get(chain), lines)) continue;
    out.natChain(chain);
    for (const line of lines) out.rule('nat', { chain, line });
  }
  const vanished = [...(before?.chains.keys() ?? [])].filter((chain) => !after?.chains.has(chain));
  for (const chain of vanished.sort()) {
    out.natChain(chain);
    out.natDelete(chain);
  }
}

/**
 * Renders the shared chains from every fragment (state order) and updates the ones that differ:
 * a long chain with few changed rules (KUBE-SERVICES after a Service was added) by positional
 * deletes and inserts, which cost the kernel a rule each rather than the whole chain; anything
 * else by rewriting it.
 */
function writeChangedSharedChains(
  previous: ReadonlyMap<string, readonly string[]>,
  state: ProxyState,
  fragments: ReadonlyMap<string, ServiceFragment>,
  ctx: RenderContext,
  out: RestoreBuffers,
  edits: Map<TableName, string[]>,
): Map<string, string[]> {
  const all = new RestoreBuffers();
  writeSharedRules(all, ctx, inStateOrder(state, fragments));
  const next = sharedChainsOf(sortRestoreDump(all.dump()));
  for (const [key, lines] of next) {
    const before = previous.get(key);
    if (sameLines(before, lines)) continue;
    const [table, chain] = key.split(' ') as [TableName, string];
    const positional = before && ruleEdits(chain, before, lines);
    if (positional) edits.get(table)!.push(...positional);
    else {
      if (table === 'filter') out.filterChain(chain);
      else out.natChain(chain);
      for (const line of lines) out.rule(table, { chain, line });
    }
  }
  return next;
}

/**
 * "-D CHAIN n" and "-I CHAIN n rule" lines turning `before` into `after`, or undefined when
 * rewriting is cheaper. Rules are unique and both lists are in the same canonical order, so the
 * common rules keep their relative order: deleting the others from the bottom up, then inserting
 * the new ones top down at their final positions, yields exactly `after`.
 */
export function ruleEdits(chain: string, before: readonly string[], after: readonly string[]): string[] | undefined {
  const kept = new Set(after);
  const had = new Set(before);
  const deletions: string[] = [];
  for (let i = before.length - 1; i >= 0; i--) if (!kept.has(before[i]!)) deletions.push(`-D ${chain} ${i + 1}`);
  const insertions: string[] = [];
  after.forEach((line, i) => {
    if (!had.has(line)) insertions.push(`-I ${chain} ${i + 1}${line.slice(`-A ${chain}`.length)}`);
  });
  const edits = deletions.length + insertions.length;
  return edits * positionalEditsPerRewrite < after.length ? [...deletions, ...insertions] : undefined;
}

/**
 * Positional edits make iptables-nft read the chain's rules back, a cost of its own: they are used
 * while there are fewer than one per this many rules (at 1,000 Services one edit took ~60 ms where
 * rewriting KUBE-SERVICES took 130–280 ms).
 */
const positionalEditsPerRewrite = 8;

function* inStateOrder(state: ProxyState, fragments: ReadonlyMap<string, ServiceFragment>): Generator<ServiceFragment> {
  const seen = new Set<string>();
  for (const { service } of state.servicePorts) {
    const key = serviceKey(service);
    if (seen.has(key)) continue;
    seen.add(key);
    const fragment = fragments.get(key);
    if (fragment) yield fragment;
  }
}

/** Tables with nothing to change are left out; nothing at all gives "" (no restore needed). */
function printNonEmpty(dump: RestoreDump): string {
  const tables = dump.tables.filter((t) => t.chains.length > 0 || t.rules.length > 0 || t.deletedChains.length > 0 || t.edits?.length);
  return tables.length ? printRestoreDump({ tables }) : '';
}
