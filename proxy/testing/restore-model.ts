/**
 * A model of what `iptables-restore --noflush` does to the kernel's tables, for tests of partial
 * syncs: a declared chain is created or flushed, "-A" appends, "-D CHAIN n" / "-I CHAIN n rule"
 * delete and insert by position, "-X" deletes the chain (failing while a rule still jumps to it),
 * and chains the input does not name are left alone. Lines apply in order, as iptables-restore
 * reads them.
 */
export class RestoreModel {
  /** "table chain" → rules, each as an "-A CHAIN …" line. */
  readonly chains = new Map<string, string[]>();

  apply(text: string): void {
    let table = '';
    for (const line of text.split('\n')) {
      const [op = '', chain = '', n = ''] = line.split(' ');
      const key = `${table} ${chain}`;
      if (line.startsWith('*')) table = line.slice(1);
      else if (line.startsWith(':')) this.chains.set(`${table} ${line.slice(1).split(' ')[0]}`, []);
      else if (op === '-A') this.#chain(key).push(line);
      else if (op === '-D') this.#at(key, Number(n), 1).splice(Number(n) - 1, 1);
      else if (op === '-I') this.#at(key, Number(n), 0).splice(Number(n) - 1, 0, `-A ${chain}${line.slice(`-I ${chain} ${n}`.length)}`);
      else if (op === '-X') this.#delete(table, chain);
      else if (line !== '' && line !== 'COMMIT') throw new Error(`restore model: unsupported line "${line}"`);
    }
  }

  /** Every chain with its rules, chains by name: equal dumps mean equal tables. */
  dump(): string {
    return [...this.chains.keys()].sort().map((key) => [`:${key}`, ...this.chains.get(key)!].join('\n')).join('\n') + '\n';
  }

  #chain(key: string): string[] {
    const rules = this.chains.get(key);
    if (!rules) throw new Error(`restore model: no chain ${key}`);
    return rules;
  }

  /** The chain, checking that position n (1-based) exists; an insert may also go one past the end. */
  #at(key: string, n: number, extra: 0 | 1): string[] {
    const rules = this.#chain(key);
    if (!(n >= 1 && n <= rules.length + 1 - extra)) throw new Error(`restore model: no position ${n} in ${key} (${rules.length} rules)`);
    return rules;
  }

  #delete(table: string, chain: string): void {
    const user = [...this.chains].find(([key, rules]) => key.startsWith(`${table} `) && rules.some((r) => r.endsWith(` -j ${chain}`)));
    if (user) throw new Error(`-X ${chain}: still used by ${user[0]}`);
    this.chains.delete(`${table} ${chain}`);
  }
}
