/** Runs the real `dig` against a test server on 127.0.0.1 and reads its output into sections. */
import { execFile, spawnSync } from 'node:child_process';

export interface DigResult {
  status: string;
  flags: string[];
  /** Whitespace-normalised record lines (`name ttl IN TYPE rdata`). */
  answer: string[];
  authority: string[];
  additional: string[];
  /** The OPT pseudosection line, e.g. `; EDNS: version: 0, flags: do; udp: 1232`. */
  edns: string;
  msgSize: number;
  raw: string;
}

export function digAvailable(): boolean {
  return spawnSync('dig', ['-v'], { stdio: 'ignore' }).status === 0;
}

export const skipWithoutDig = digAvailable() ? false : 'dig is not installed (apt-get install bind9-dnsutils)';

export function digRaw(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('dig', ['@127.0.0.1', '-p', String(port), '+tries=1', '+time=3', ...args], { timeout: 15_000 }, (err, stdout) => {
      if (err && !stdout) reject(err);
      else resolve(stdout);
    });
  });
}

export async function dig(port: number, ...args: string[]): Promise<DigResult> {
  const raw = await digRaw(port, args);
  const section = (title: string) => {
    const lines = raw.split('\n');
    const start = lines.findIndex((l) => l.startsWith(`;; ${title} SECTION:`));
    if (start < 0) return [];
    const out: string[] = [];
    for (const l of lines.slice(start + 1)) {
      if (!l.trim()) break;
      out.push(l.trim().split(/\s+/).join(' '));
    }
    return out.sort();
  };
  return {
    status: /status: (\w+)/.exec(raw)?.[1] ?? 'NONE',
    flags: (/;; flags: ([^;]*);/.exec(raw)?.[1] ?? '').trim().split(/\s+/).filter(Boolean),
    answer: section('ANSWER'),
    authority: section('AUTHORITY'),
    additional: section('ADDITIONAL'),
    edns: /; EDNS: [^\n]*/.exec(raw)?.[0] ?? '',
    msgSize: Number(/MSG SIZE\s+rcvd: (\d+)/.exec(raw)?.[1] ?? 0),
    raw,
  };
}
