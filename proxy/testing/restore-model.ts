/**
 * A model of what `iptables-restore --noflush` does to the kernel's tables, for tests of partial
 * syncs: a declared chain is created or flushed, "-A" appends, "-X" deletes (failing while a rule
 * still jumps to the chain), and chains the input does not name are left alone.
 */
import { parseRestoreText } from '../iptables/restore-text.js';

export class RestoreModel {
  /** "table chain" → rules. */
  readonly chains = new Map<string, string[]>();

  apply(text: string): void {
    for (const table of parseRestoreText(text).tables) {
      for (const chain of table.chains) this.chains.set(`${table.name} ${chain}`, []);
      for (const rule of table.rules) this.chains.get(`${table.name} ${rule.chain}`)!.push(rule.line);
      for (const chain of table.deletedChains) {
        const user = [...this.chains].find(([key, rules]) => key.startsWith(`${table.name} `) && rules.some((r) => r.endsWith(` -j ${chain}`)));
        if (user) throw new Error(`-X ${chain}: still used by ${user[0]}`);
        this.chains.delete(`${table.name} ${chain}`);
      }
    }
  }

  /** Every chain with its rules, chains by name: equal dumps mean equal tables. */
  dump(): string {
    return [...this.chains.keys()].sort().map((key) => [`:${key}`, ...this.chains.get(key)!].join('\n')).join('\n') + '\n';
  }
}
