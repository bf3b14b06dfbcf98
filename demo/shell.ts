/**
 * Runs one command line the way a user would type it (`sh -c`), optionally inside a network
 * namespace (`ip netns exec`), so the same steps work from the host (`svcnet demo`) and from the
 * namespaces of the end-to-end test.
 */
import { spawn } from 'node:child_process';
import type { Output } from './types.js';

export interface RunOptions {
  netns?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export function run(cmdline: string, opts: RunOptions = {}): Promise<Output> {
  const argv = opts.netns ? ['ip', 'netns', 'exec', opts.netns, 'sh', '-c', cmdline] : ['sh', '-c', cmdline];
  const t0 = Date.now();
  return new Promise((resolve) => {
    // detached: its own process group, so a timeout kills the whole pipeline.
    const child = spawn(argv[0], argv.slice(1), { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let all = '';
    child.stdout.on('data', (d) => ((stdout += d), (all += d)));
    child.stderr.on('data', (d) => ((stderr += d), (all += d)));
    const timer = setTimeout(() => {
      all += `\n[svcnet demo: killed after ${opts.timeoutMs ?? 60_000} ms]\n`;
      killGroup(child.pid);
    }, opts.timeoutMs ?? 60_000);
    const done = (code: number) => {
      clearTimeout(timer);
      resolve({ cmd: cmdline, code, stdout, stderr, all, ms: Date.now() - t0 });
    };
    child.on('error', (err) => ((all += String(err)), done(-1)));
    child.on('close', (code) => done(code ?? -1));
    child.stdin.end();
  });
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
