/**
 * How `iptables-save` prints a rule that was restored from our text: the kernel keeps matches, not
 * argv, so the listing is normalised (addresses get /32, -s/-d/-p move first, module options stay
 * with their module, marks become --set-xmark, REJECT shows its default, probabilities are rounded
 * to the kernel's 2^-31 steps). Kernel tests compare `iptables-save` output through this instead
 * of against the restore text. Formats follow the iptables extensions' save functions.
 */
import { tokenizeRule } from './restore-text.js';

interface Module {
  readonly name: string;
  readonly options: string[];
}

interface ParsedRule {
  readonly chain: string;
  readonly generic: Map<string, { negated: boolean; value: string }>;
  readonly modules: Module[];
  readonly target: string[];
}

const genericFlags = new Set(['-s', '-d', '-p', '-i', '-o']);

function parseRule(line: string): ParsedRule {
  const tokens = tokenizeRule(line);
  if (tokens[0] !== '-A' || tokens[1] === undefined) throw new Error(`iptables-save form: not a rule: ${line}`);
  const rule: ParsedRule = { chain: tokens[1], generic: new Map(), modules: [], target: [] };
  for (let i = 2; i < tokens.length; i++) {
    const negated = tokens[i] === '!';
    const flag = negated ? tokens[++i]! : tokens[i]!;
    if (flag === '-j') {
      rule.target.push(...tokens.slice(i + 1));
      break;
    }
    if (genericFlags.has(flag)) rule.generic.set(flag, { negated, value: tokens[++i]! });
    else if (flag === '-m') rule.modules.push({ name: tokens[++i]!, options: [] });
    else {
      const current = rule.modules.at(-1);
      if (!current) throw new Error(`iptables-save form: option ${flag} outside a match in: ${line}`);
      if (negated) current.options.push('!');
      current.options.push(flag);
      if (tokens[i + 1] !== undefined && !tokens[i + 1]!.startsWith('-') && tokens[i + 1] !== '!') current.options.push(tokens[++i]!);
    }
  }
  return rule;
}

/** The rule as `iptables-save` lists it (IPv4 unless `ipv6` is set). */
export function toSaveForm(line: string, ipv6 = false): string {
  const rule = parseRule(line);
  const out = ['-A', rule.chain];
  for (const flag of ['-s', '-d', '-i', '-o', '-p']) {
    const g = rule.generic.get(flag);
    if (!g) continue;
    const value = flag === '-s' || flag === '-d' ? withPrefixLength(g.value, ipv6) : g.value;
    out.push(...(g.negated ? ['!', flag, value] : [flag, value]));
  }
  for (const m of rule.modules) out.push('-m', m.name, ...moduleOptions(m, ipv6));
  if (rule.target.length > 0) out.push('-j', ...targetOptions(rule.target, ipv6));
  return out.join(' ');
}

function withPrefixLength(address: string, ipv6: boolean): string {
  return address.includes('/') ? address : `${address}/${ipv6 ? 128 : 32}`;
}

function moduleOptions(m: Module, ipv6: boolean): string[] {
  const opt = (name: string) => {
    const i = m.options.indexOf(name);
    return i >= 0 ? m.options[i + 1] : undefined;
  };
  switch (m.name) {
    case 'comment':
      return ['--comment', `"${opt('--comment')}"`];
    case 'statistic':
      return ['--mode', 'random', '--probability', kernelProbability(Number(opt('--probability')))];
    case 'recent':
      return recentOptions(m.options, ipv6);
    case 'mark':
      return m.options.map((o) => (/^0x/.test(o) ? o.split('/').map(shortHex).join('/') : o));
    default:
      return m.options;
  }
}

/** libxt_recent's save order: action, --seconds, --reap, --name, --mask, side. */
function recentOptions(options: readonly string[], ipv6: boolean): string[] {
  const out: string[] = [];
  for (const action of ['--set', '--rcheck', '--update', '--remove']) if (options.includes(action)) out.push(action);
  const seconds = options.indexOf('--seconds');
  if (seconds >= 0) out.push('--seconds', options[seconds + 1]!);
  if (options.includes('--reap')) out.push('--reap');
  out.push('--name', options[options.indexOf('--name') + 1]!);
  out.push('--mask', ipv6 ? 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' : '255.255.255.255', '--rsource');
  return out;
}

/** xt_statistic stores round(p * 2^31) and prints it back with %.11f. */
export function kernelProbability(p: number): string {
  return (Math.round(p * 0x80000000) / 0x80000000).toFixed(11);
}

function shortHex(hex: string): string {
  return '0x' + parseInt(hex, 16).toString(16);
}

function targetOptions(target: readonly string[], ipv6: boolean): string[] {
  const [name, ...args] = target;
  if (name === 'MARK' && args[0] === '--or-mark') return ['MARK', '--set-xmark', `${shortHex(args[1]!)}/${shortHex(args[1]!)}`];
  if (name === 'MARK' && args[0] === '--xor-mark') return ['MARK', '--set-xmark', `${shortHex(args[1]!)}/0x0`];
  if (name === 'REJECT' && args.length === 0) return ['REJECT', '--reject-with', ipv6 ? 'icmp6-port-unreachable' : 'icmp-port-unreachable'];
  return [...target];
}
