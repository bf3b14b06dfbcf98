/** A failed iptables-restore / nft / conntrack run, with the input lines around the failure. */
import { SvcnetError } from '../../common/errors.js';

export class ApplyError extends SvcnetError {
  readonly command: string;
  readonly exitCode: number;
  readonly stderr: string;
  /** The failing input line with up to 3 lines of context either side ("" when unknown). */
  readonly excerpt: string;

  constructor(component: string, command: string, exitCode: number, stderr: string, excerpt = '') {
    super('ApplyFailed', `${component}: ${command} exited ${exitCode}: ${stderr.trim().split('\n').slice(-3).join(' | ')}${excerpt ? `\n${excerpt}` : ''}`);
    this.command = command;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.excerpt = excerpt;
  }
}

/**
 * Lines `lineNumber` ± `context` of `input` (1-based), the failing one marked with ">", as
 * kube-proxy's utiliptables.ExtractLines does for restore parse errors.
 */
export function excerptAround(input: string, lineNumber: number, context = 3): string {
  const lines = input.split('\n');
  const from = Math.max(1, lineNumber - context);
  const to = Math.min(lines.length, lineNumber + context);
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(`${n === lineNumber ? '>' : ' '} ${String(n).padStart(6)}  ${lines[n - 1]}`);
  return out.join('\n');
}

/** The input line an error message points at: iptables-restore "line N failed", nft "/dev/stdin:N:". */
export function failingLine(stderr: string): number | undefined {
  const m = /line:? (\d+) failed/.exec(stderr) ?? /Error occurred at line: (\d+)/.exec(stderr) ?? /(?:stdin|-):(\d+):\d+/.exec(stderr);
  return m ? Number(m[1]) : undefined;
}
