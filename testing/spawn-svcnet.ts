/**
 * Runs the `svcnet` CLI as a child process from tests, whether the tests run from TypeScript
 * sources (tsx) or from the compiled dist/ tree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { nodeScriptArgs } from './node-script.js';

export function svcnetCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: nodeScriptArgs('../cli/main', import.meta.url) };
}

export function spawnSvcnet(args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const { command, args: pre } = svcnetCommand();
  return spawn(command, [...pre, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with everything printed once `pattern` shows up on stdout. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    // A child that misses its deadline is killed: a test that gives up on it must not leak it.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`));
    }, timeoutMs);
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
