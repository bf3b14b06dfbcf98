/**
 * renderIptablesPartial: the iptables-restore input of a partial sync (KEP-3453), rendered in
 * proportion to the change. Only the changed Services are rendered again; of their chains, the new
 * or different ones are written and the vanished ones flushed and deleted (-X). The shared dispatch
 * chains are rewritten only when a changed Service's capture rules differ, so an endpoint change
 * leaves KUBE-SERVICES alone (kube-proxy rewrites it on every sync, which costs a rule per Service
 * in the kernel). Chains that stay the same are not even declared: under --noflush a declaration
 * would flush them.
 */
import { groupByService, serviceKey, type ProxyState } from '../model.js';
import type { IptablesRenderConfig } from './config.js';
import { RestoreBuffers, type RenderContext } from './context.js';
import { renderServiceFragment, sameDispatch, sameLines, type ServiceFragment } from './fragments.js';
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
  const rendered = groupByService(state.servicePorts, (key) => changed.has(key));
  const fragments = new Map(applied.fragments);
  const out = new RestoreBuffers();
  let dispatchChanged = false;
  for (const key of [...changed].sort()) {
    const before = applied.fragments.get(key);
    const entries = rendered.get(key);
    const after = entries ? renderServiceFragment(entries, ctx) : undefined;
    if (after) fragments.set(key, after);
    else fragments.delete(key);
    dispatchChanged ||= !sameDispatch(before, after);
    writeChangedOwnChains(before, after, out);
  }
  const sharedChains = dispatchChanged ? writeChangedSharedChains(applied.sharedChains, state, fragments, ctx, out) : applied.sharedChains;
  return { text: printNonEmpty(sortRestoreDump(out.dump())), applied: { contextKey, fragments, sharedChains } };
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

/** Renders the shared chains from every fragment (state order) and writes the ones that differ. */
function writeChangedSharedChains(
  previous: ReadonlyMap<string, readonly string[]>,
  state: ProxyState,
  fragments: ReadonlyMap<string, ServiceFragment>,
  ctx: RenderContext,
  out: RestoreBuffers,
): Map<string, string[]> {
  const all = new RestoreBuffers();
  writeSharedRules(all, ctx, inStateOrder(state, fragments));
  const next = sharedChainsOf(sortRestoreDump(all.dump()));
  for (const [key, lines] of next) {
    if (sameLines(previous.get(key), lines)) continue;
    const [table, chain] = key.split(' ') as ['filter' | 'nat', string];
    if (table === 'filter') out.filterChain(chain);
    else out.natChain(chain);
    for (const line of lines) out.rule(table, { chain, line });
  }
  return next;
}

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
  const tables = dump.tables.filter((t) => t.chains.length > 0 || t.rules.length > 0 || t.deletedChains.length > 0);
  return tables.length ? printRestoreDump({ tables }) : '';
}
