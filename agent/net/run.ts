/** Runs node commands (ip, sysctl, …) and turns failures into SvcnetErrors that carry stderr. */
import { spawn } from 'node:child_process';
import { SvcnetError } from '../../common/errors.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Resolves whatever the exit code; `run` is the strict form. `detached`: in a session of its own. */
export function runCommand(cmd: string, args: string[], input?: string, timeoutMs = 30_000, detached = false): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new SvcnetError('CommandFailed', `agent: cannot run ${cmd}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
    if (child.stdin) {
      // A command that exits without reading its input must not crash the agent with EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

export async function run(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await runCommand(cmd, args, input);
  if (r.code !== 0) throw new SvcnetError('CommandFailed', `agent: ${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
