/**
 * Writes nft commands the way knftables serialises a Transaction (the text kube-proxy pipes to
 * `nft -f -`): one operation per line, "<verb> <object> <family> <table> ...".
 */

export type NftFamily = 'ip' | 'ip6';

export interface NftChainSpec {
  readonly type?: 'filter' | 'nat';
  readonly hook?: string;
  /** Numeric: knftables converts named priorities (dstnat-10) to numbers for older nft. */
  readonly priority?: number;
  readonly comment?: string;
}

export interface NftSetSpec {
  readonly type: string;
  readonly flags?: readonly string[];
  readonly timeoutSeconds?: number;
  readonly comment?: string;
}

export interface NftElementSpec {
  readonly key: readonly string[];
  readonly value?: readonly string[];
  readonly comment?: string;
}

export class NftTransaction {
  readonly #lines: string[] = [];
  readonly #prefix: string;

  constructor(readonly family: NftFamily, readonly table: string) {
    this.#prefix = `${family} ${table}`;
  }

  addTable(comment: string): void {
    this.#lines.push(`add table ${this.#prefix} { comment ${quote(comment)} ; }`);
  }

  addChain(name: string, spec: NftChainSpec = {}): void {
    const parts: string[] = [];
    if (spec.type) parts.push(` type ${spec.type} hook ${spec.hook} priority ${spec.priority} ;`);
    if (spec.comment) parts.push(` comment ${quote(spec.comment)} ;`);
    this.#lines.push(`add chain ${this.#prefix} ${name}${parts.length ? ` {${parts.join('')} }` : ''}`);
  }

  flushChain(name: string): void {
    this.#lines.push(`flush chain ${this.#prefix} ${name}`);
  }

  deleteChain(name: string): void {
    this.#lines.push(`delete chain ${this.#prefix} ${name}`);
  }

  addRule(chain: string, rule: string, comment?: string): void {
    this.#lines.push(`add rule ${this.#prefix} ${chain} ${rule}${comment ? ` comment ${quote(comment)}` : ''}`);
  }

  addSet(name: string, spec: NftSetSpec): void {
    this.#lines.push(`add set ${this.#prefix} ${name} ${setBody(spec)}`);
  }

  addMap(name: string, spec: NftSetSpec): void {
    this.#lines.push(`add map ${this.#prefix} ${name} ${setBody(spec)}`);
  }

  flushSet(name: string): void {
    this.#lines.push(`flush set ${this.#prefix} ${name}`);
  }

  flushMap(name: string): void {
    this.#lines.push(`flush map ${this.#prefix} ${name}`);
  }

  deleteSet(name: string): void {
    this.#lines.push(`delete set ${this.#prefix} ${name}`);
  }

  addElement(setOrMap: string, element: NftElementSpec): void {
    const comment = element.comment ? ` comment ${quote(element.comment)}` : '';
    const value = element.value ? ` : ${element.value.join(' . ')}` : '';
    this.#lines.push(`add element ${this.#prefix} ${setOrMap} { ${element.key.join(' . ')}${comment}${value} }`);
  }

  text(): string {
    return this.#lines.map((l) => l + '\n').join('');
  }

  lines(): readonly string[] {
    return this.#lines;
  }

  /** Lines rendered by another transaction for the same table (a Service's fragment). */
  appendLines(lines: readonly string[]): void {
    for (const line of lines) this.#lines.push(line);
  }
}

function setBody(spec: NftSetSpec): string {
  let body = `{ type ${spec.type} ;`;
  if (spec.flags?.length) body += ` flags ${spec.flags.join(',')} ;`;
  if (spec.timeoutSeconds !== undefined) body += ` timeout ${spec.timeoutSeconds}s ;`;
  if (spec.comment) body += ` comment ${quote(spec.comment)} ;`;
  return body + ' }';
}

/** Go %q for the plain ASCII comments kube-proxy writes. */
function quote(text: string): string {
  return JSON.stringify(text);
}
