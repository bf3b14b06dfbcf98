/**
 * One Service's share of the kube-proxy nftables table, rendered on its own: its map and set
 * elements, its chains with their rules, and its affinity sets. A full sync is the fixed part of
 * the table plus every fragment's lines; a partial sync compares a changed Service's fragment with
 * the one last applied and sends only the difference.
 */
import type { ServicePortEntry } from '../model.js';
import { NftTransaction, type NftFamily } from './transaction.js';
import { writeServicePort, type ServiceContext } from './service-rules.js';
import { kubeProxyTable } from './names.js';

export interface NftServiceFragment {
  /** The lines a full sync writes for this Service, in order. */
  readonly lines: readonly string[];
  /** Its chains → their "add rule" lines. */
  readonly chains: ReadonlyMap<string, readonly string[]>;
  /** "set key" → its "add element" line, for elements in the shared sets and maps. */
  readonly elements: ReadonlyMap<string, NftElementLine>;
  /** Its affinity sets → their "add set" lines. */
  readonly sets: ReadonlyMap<string, string>;
}

export interface NftElementLine {
  readonly set: string;
  /** The element's key as nft prints it ("10.96.0.1 . tcp . 80"), what a delete names. */
  readonly key: string;
  readonly line: string;
}

export function renderServiceFragment(entries: readonly ServicePortEntry[], ctx: ServiceContext): NftServiceFragment {
  const tx = new NftTransaction(ctx.ipX as NftFamily, kubeProxyTable);
  const chains = new Set<string>();
  const affinitySets = new Set<string>();
  for (const entry of entries) writeServicePort(entry, ctx, tx, chains, affinitySets);
  return indexLines(tx.lines());
}

const addRule = /^add rule \S+ \S+ (\S+) /;
const addChain = /^add chain \S+ \S+ (\S+)/;
const addSet = /^add set \S+ \S+ (\S+) /;
const addElement = /^add element \S+ \S+ (\S+) \{ (.*) \}$/;

/** Indexes the lines writeServicePort produced (the knftables subset transaction.ts writes). */
function indexLines(lines: readonly string[]): NftServiceFragment {
  const chains = new Map<string, string[]>();
  const elements = new Map<string, NftElementLine>();
  const sets = new Map<string, string>();
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = addRule.exec(line))) chains.get(m[1]!)!.push(line);
    else if ((m = addChain.exec(line))) chains.set(m[1]!, []);
    else if ((m = addElement.exec(line))) {
      const key = elementKey(m[2]!);
      elements.set(`${m[1]} ${key}`, { set: m[1]!, key, line });
    } else if ((m = addSet.exec(line))) sets.set(m[1]!, line);
  }
  return { lines, chains, elements, sets };
}

/** The key of an element body "k1 . k2 [comment "…"] [: value]". */
function elementKey(body: string): string {
  const ends = [body.indexOf(' comment "'), body.indexOf(' : ')].filter((i) => i >= 0);
  return ends.length ? body.slice(0, Math.min(...ends)) : body;
}
