/**
 * Runs the `svcnet` CLI as a child process from tests, whether the tests run from TypeScript
 * sources (tsx) or from the compiled dist/ tree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function svcnetCommand(): { command: string; args: string[] } {
  const ts = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
  const js = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  if (import.meta.url.endsWith('.ts') && existsSync(ts)) return { command: process.execPath, args: ['--import', 'tsx', ts] };
  return { command: process.execPath, args: [js] };
}

export function spawnSvcnet(args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const { command, args: pre } = svcnetCommand();
  return spawn(command, [...pre, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with everything printed once `pattern` shows up on stdout. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`)), timeoutMs);
    child.stdout?.on('data', (d) => {
      out += d;
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.stderr?.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`svcnet exited (${code}) before ${pattern}; stderr: ${err}`));
    });
  });
}
