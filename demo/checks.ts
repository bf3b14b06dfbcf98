/** Small helpers the steps' checks share: kubectl tables, addresses, readable excerpts. */
import type { Output } from './types.js';

/** Rows of a kubectl table as records keyed by the header (columns are separated by 2+ spaces). */
export function tableRecords(stdout: string): Record<string, string>[] {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const header = lines.findIndex((l) => /^NAME\s|^NAMESPACE\s/.test(l));
  if (header < 0) return [];
  const names = lines[header].trim().split(/\s{2,}/);
  return lines.slice(header + 1).map((l) => {
    const cells = l.trim().split(/\s{2,}/);
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}

export function isIPv4(s: string | undefined): s is string {
  return /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s ?? '') && s!.split('.').every((o) => Number(o) <= 255);
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (!isIPv4(ip) || !isIPv4(base)) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipToInt(ip) / size) === Math.floor(ipToInt(base) / size);
}

/** The first `max` lines of a text, with a note of how many were left out. */
export function excerpt(text: string, max = 12): string {
  const lines = text.trimEnd().split('\n');
  if (lines.length <= max) return lines.join('\n');
  return [...lines.slice(0, max), `… (${lines.length - max} more lines)`].join('\n');
}

/** For failure messages: what a command printed, on one short line. */
export function saw(out: Output | undefined, max = 400): string {
  if (!out) return '(no output)';
  const text = out.all.trim().replace(/\s*\n\s*/g, ' ⏎ ');
  const shown = text.length > max ? `${text.slice(0, max)}…` : text || '(nothing)';
  return out.code === 0 ? shown : `${shown} (exit ${out.code})`;
}

/** kubectl apply/create/patch prints `<kind>/<name> <verb>`; re-running the demo may say unchanged. */
export function appliedLine(out: Output, object: string, verbs = ['created', 'configured', 'unchanged']): boolean {
  return out.code === 0 && verbs.some((v) => out.stdout.includes(`${object} ${v}`));
}

export const nginxWelcome = /Welcome to nginx!/;
