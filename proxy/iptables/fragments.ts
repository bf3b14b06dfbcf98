/**
 * One Service's share of an iptables sync, rendered on its own: its capture rules in the dispatch
 * chains (KUBE-SERVICES, KUBE-NODEPORTS, KUBE-EXTERNAL-SERVICES, KUBE-PROXY-FIREWALL) and its own
 * nat chains (KUBE-SVC/SVL/EXT/FW/SEP). A full render is the fixed rules plus every fragment; a
 * partial sync re-renders only the fragments of changed Services, so its cost follows the change.
 */
import type { ServicePortEntry } from '../model.js';
import type { RestoreRule } from './restore-text.js';
import { RestoreBuffers, type RenderContext } from './context.js';
import { writeServicePort } from './service-rules.js';

export type TableName = 'filter' | 'nat';

export interface DispatchRule {
  readonly table: TableName;
  readonly rule: RestoreRule;
}

export interface ServiceFragment {
  /** Capture rules in the shared dispatch chains, in write order. */
  readonly dispatch: readonly DispatchRule[];
  /** The Service's own nat chains → their rules, in declaration order. */
  readonly chains: ReadonlyMap<string, readonly string[]>;
}

/** Renders the rules of one Service (all its ports). */
export function renderServiceFragment(entries: readonly ServicePortEntry[], ctx: RenderContext): ServiceFragment {
  const buffers = new RestoreBuffers();
  const declared = new Set<string>();
  for (const entry of entries) writeServicePort(entry, ctx, buffers, declared);
  const [filter, nat] = buffers.dump().tables;
  const chains = new Map<string, string[]>(nat!.chains.map((c) => [c, []]));
  const dispatch: DispatchRule[] = filter!.rules.map((rule) => ({ table: 'filter', rule }));
  for (const rule of nat!.rules) {
    const own = chains.get(rule.chain);
    if (own) own.push(rule.line);
    else dispatch.push({ table: 'nat', rule });
  }
  return { dispatch, chains };
}

/** Declares a fragment's own chains and writes their rules. */
export function writeOwnChains(fragment: ServiceFragment, out: RestoreBuffers): void {
  for (const [chain, lines] of fragment.chains) {
    out.natChain(chain);
    for (const line of lines) out.rule('nat', { chain, line });
  }
}

export function sameLines(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((l, i) => l === b[i]);
}

export function sameDispatch(a: ServiceFragment | undefined, b: ServiceFragment | undefined): boolean {
  const x = a?.dispatch ?? [];
  const y = b?.dispatch ?? [];
  return x.length === y.length && x.every((r, i) => r.table === y[i]!.table && r.rule.line === y[i]!.rule.line);
}
