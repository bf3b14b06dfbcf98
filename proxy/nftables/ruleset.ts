/**
 * A small in-memory model of one nftables table: applies the transaction text our renderer writes
 * (the subset of `nft -f` syntax knftables produces) and dumps the result in a canonical order,
 * like knftables' Fake. Rejects what nft would reject here: rules in missing chains, elements in
 * missing sets, references to missing chains or sets. Used by the tracer and by tests (a partial
 * sync applied on top of a full one must give the table the next full sync writes).
 */

export interface NftObjects {
  readonly chains: Map<string, { spec: string; rules: string[] }>;
  readonly sets: Map<string, { kind: 'set' | 'map'; spec: string; elements: Map<string, NftElement> }>;
}

export interface NftElement {
  readonly key: string;
  readonly value: string | undefined;
  readonly comment: string | undefined;
}

export class NftRuleset {
  readonly family: string;
  readonly table: string;
  tableSpec = '';
  readonly objects: NftObjects = { chains: new Map(), sets: new Map() };

  constructor(family = 'ip', table = 'kube-proxy') {
    this.family = family;
    this.table = table;
  }

  /** Applies a whole transaction; like nft, it is all or nothing (throws before changing anything). */
  apply(text: string): void {
    const scratch = this.clone();
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      scratch.applyLine(line);
    }
    scratch.checkReferences();
    this.tableSpec = scratch.tableSpec;
    this.objects.chains.clear();
    this.objects.sets.clear();
    for (const [k, v] of scratch.objects.chains) this.objects.chains.set(k, v);
    for (const [k, v] of scratch.objects.sets) this.objects.sets.set(k, v);
  }

  private clone(): NftRuleset {
    const copy = new NftRuleset(this.family, this.table);
    copy.tableSpec = this.tableSpec;
    for (const [k, v] of this.objects.chains) copy.objects.chains.set(k, { spec: v.spec, rules: [...v.rules] });
    for (const [k, v] of this.objects.sets) copy.objects.sets.set(k, { ...v, elements: new Map(v.elements) });
    return copy;
  }

  private applyLine(line: string): void {
    const m = /^(add|flush|delete) (table|chain|rule|set|map|element) (\S+) (\S+)(?: (.*))?$/.exec(line);
    if (!m) throw new Error(`nft: cannot parse "${line}"`);
    const [, verb, object, family, table, rest = ''] = m as unknown as [string, string, string, string, string, string?];
    if (family !== this.family || table !== this.table) throw new Error(`nft: "${line}" is not for ${this.family} ${this.table}`);
    const key = `${verb} ${object}`;
    const name = rest.split(' ')[0] ?? '';
    const tail = rest.slice(name.length).trim();
    if (key === 'add table') this.tableSpec = rest;
    else if (key === 'add chain') this.addChain(name, tail);
    else if (key === 'flush chain') this.chain(name, line).rules = [];
    else if (key === 'delete chain') this.deleteChain(name, line);
    else if (key === 'add rule') this.chain(name, line).rules.push(tail);
    else if (key === 'add set' || key === 'add map') this.addSet(name, object as 'set' | 'map', tail);
    else if (key === 'flush set' || key === 'flush map') this.set(name, line).elements.clear();
    else if (key === 'delete set' || key === 'delete map') this.deleteSet(name, line);
    else if (key === 'add element') this.addElement(name, tail, line);
    else if (key === 'delete element') this.deleteElement(name, tail, line);
    else throw new Error(`nft: unsupported "${line}"`);
  }

  private addChain(name: string, spec: string): void {
    const existing = this.objects.chains.get(name);
    if (existing && spec && existing.spec && existing.spec !== spec) throw new Error(`nft: chain ${name} redefined`);
    if (!existing) this.objects.chains.set(name, { spec, rules: [] });
    else if (spec) existing.spec = spec;
  }

  private deleteChain(name: string, line: string): void {
    this.chain(name, line);
    this.objects.chains.delete(name);
  }

  private addSet(name: string, kind: 'set' | 'map', spec: string): void {
    const existing = this.objects.sets.get(name);
    if (existing && existing.spec !== spec) throw new Error(`nft: ${kind} ${name} redefined with different properties`);
    if (!existing) this.objects.sets.set(name, { kind, spec, elements: new Map() });
  }

  private deleteSet(name: string, line: string): void {
    this.set(name, line);
    this.objects.sets.delete(name);
  }

  private addElement(name: string, body: string, line: string): void {
    const m = /^\{ (.+?)(?: comment "([^"]*)")?(?: : (.+))? \}$/.exec(body);
    if (!m) throw new Error(`nft: cannot parse element in "${line}"`);
    const element: NftElement = { key: m[1]!, comment: m[2], value: m[3] };
    this.set(name, line).elements.set(element.key, element);
  }

  private deleteElement(name: string, body: string, line: string): void {
    const m = /^\{ (.+?) \}$/.exec(body);
    const set = this.set(name, line);
    if (!m || !set.elements.delete(m[1]!)) throw new Error(`nft: no such element in "${line}"`);
  }

  chain(name: string, context = name): { spec: string; rules: string[] } {
    const chain = this.objects.chains.get(name);
    if (!chain) throw new Error(`nft: no chain ${name} (${context})`);
    return chain;
  }

  set(name: string, context = name): { kind: 'set' | 'map'; spec: string; elements: Map<string, NftElement> } {
    const set = this.objects.sets.get(name);
    if (!set) throw new Error(`nft: no set ${name} (${context})`);
    return set;
  }

  private checkReferences(): void {
    const texts = [...this.objects.chains.values()].flatMap((c) => c.rules);
    for (const set of this.objects.sets.values()) for (const e of set.elements.values()) if (e.value) texts.push(e.value);
    for (const text of texts) {
      for (const m of text.matchAll(/\b(?:jump|goto) (\S+)/g)) this.chain(m[1]!, text);
      for (const m of text.matchAll(/@(\S+)/g)) this.set(m[1]!, text);
    }
  }

  /** Canonical listing: table, chains, sets and maps by name, rules in order, elements sorted. */
  dump(): string {
    const p = `${this.family} ${this.table}`;
    const out = [`add table ${p} ${this.tableSpec}`.trimEnd()];
    const chainNames = [...this.objects.chains.keys()].sort();
    for (const name of chainNames) out.push(`add chain ${p} ${name}${this.objects.chains.get(name)!.spec ? ' ' + this.objects.chains.get(name)!.spec : ''}`);
    for (const name of [...this.objects.sets.keys()].sort()) out.push(`add ${this.objects.sets.get(name)!.kind} ${p} ${name} ${this.objects.sets.get(name)!.spec}`);
    for (const name of chainNames) for (const rule of this.objects.chains.get(name)!.rules) out.push(`add rule ${p} ${name} ${rule}`);
    for (const name of [...this.objects.sets.keys()].sort()) {
      const elements = [...this.objects.sets.get(name)!.elements.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      for (const e of elements) out.push(`add element ${p} ${name} { ${e.key}${e.comment !== undefined ? ` comment "${e.comment}"` : ''}${e.value ? ` : ${e.value}` : ''} }`);
    }
    return out.join('\n') + '\n';
  }
}
