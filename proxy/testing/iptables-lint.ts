/**
 * Consistency checks upstream runs on every rendered ruleset (checkIPTablesRuleJumps): no jump to
 * an undeclared chain, no declared per-service chain left unused or empty, names within 28 chars.
 */
import { parseRestoreText, tokenizeRule } from '../iptables/restore-text.js';

const builtinTargets = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'DNAT', 'MARK', 'MASQUERADE']);

export function lintIptablesRestore(text: string): string[] {
  const problems: string[] = [];
  for (const table of parseRestoreText(text).tables) {
    const declared = new Set(table.chains);
    const jumpedTo = new Set<string>();
    for (const rule of table.rules) {
      const tokens = tokenizeRule(rule.line);
      const j = tokens.indexOf('-j');
      const target = j >= 0 ? tokens[j + 1] : undefined;
      if (target === undefined || builtinTargets.has(target)) continue;
      jumpedTo.add(target);
      if (!declared.has(target)) problems.push(`${table.name}: ${rule.chain} jumps to undeclared ${target}`);
    }
    for (const chain of table.chains) {
      if (chain.length > 28) problems.push(`${table.name}: chain name ${chain} longer than 28`);
      if (!/^KUBE-(SVC|SVL|EXT|FW|SEP)-/.test(chain) || table.deletedChains.includes(chain)) continue;
      if (!jumpedTo.has(chain)) problems.push(`${table.name}: ${chain} is never jumped to`);
      if (!table.rules.some((r) => r.chain === chain)) problems.push(`${table.name}: ${chain} is empty`);
    }
  }
  return problems;
}
