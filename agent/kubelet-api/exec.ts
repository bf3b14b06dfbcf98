/**
 * WebSocket exec in the v5.channel.k8s.io protocol (shared/reference/kube-api.md §7.1): binary
 * frames, first byte = channel. In: 0 stdin, 4 resize {"Width","Height"}, 255 close(channel).
 * Out: 1 stdout, 2 stderr, 3 one Status (Success, or NonZeroExitCode with an ExitCode cause), then
 * a close frame with code 1000. Pings are answered by `ws` itself.
 *
 * The command runs in the container's network, mount and UTS namespaces via `nsenter -t <pid>`,
 * with the container's environment. tty=true: Node has no pty module, so the command runs under
 * util-linux `script -qfec CMD /dev/null`, which gives it a pseudo-terminal; resizes are applied
 * with `stty -F /dev/pts/N cols W rows H` on the terminal `script` made (the kernel then sends
 * SIGWINCH to the foreground process), and the first size is set by `stty` before the command.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { WebSocket } from 'ws';
import type { PodManager } from '../pods/pod-manager.js';
import { enterCommand } from '../runtime/container-process.js';
import { shellQuote } from '../runtime/shell-quote.js';

export const execProtocol = 'v5.channel.k8s.io';

const enum Channel {
  Stdin = 0,
  Stdout = 1,
  Stderr = 2,
  Error = 3,
  Resize = 4,
  Close = 255,
}

export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export function parseExecQuery(q: URLSearchParams): Pick<ExecRequest, 'command' | 'stdin' | 'stdout' | 'stderr' | 'tty'> {
  const flag = (n: string) => q.get(n) === 'true' || q.get(n) === '1';
  return { command: q.getAll('command'), stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
}

export function exitStatus(code: number, command: string[] = []): object {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

function failure(message: string): object {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
}

function send(ws: WebSocket, channel: Channel, data: Buffer | string): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
}

function finish(ws: WebSocket, status: object): void {
  send(ws, Channel.Error, JSON.stringify(status));
  if (ws.readyState === ws.OPEN) ws.close(1000);
}

/** The pty `script` made: stdin of its child. */
function ptyOf(scriptPid: number): string | undefined {
  try {
    for (const task of readdirSync(`/proc/${scriptPid}/task`)) {
      for (const child of readFileSync(`/proc/${scriptPid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
        const link = readlinkSync(`/proc/${child}/fd/0`);
        if (link.startsWith('/dev/pts/')) return link;
      }
    }
  } catch {
    // not started yet or gone
  }
  return undefined;
}

interface TermSize {
  Width: number;
  Height: number;
}

function parseSize(payload: Buffer): TermSize | undefined {
  try {
    const s = JSON.parse(payload.toString('utf8')) as TermSize;
    return Number.isInteger(s.Width) && Number.isInteger(s.Height) ? s : undefined;
  } catch {
    return undefined;
  }
}

export function handleExec(pods: PodManager, r: ExecRequest, ws: WebSocket): void {
  const worker = pods.find(r.namespace, r.pod);
  const c = worker?.allRunners.find((x) => x.name === r.container);
  if (!worker || !c) return finish(ws, failure(`container "${r.container}" of pod "${r.namespace}/${r.pod}" not found on this node`));
  const pid = c.pid;
  if (pid === undefined) return finish(ws, failure(`container not found ("${r.container}")`));
  if (r.command.length === 0) return finish(ws, failure('you must specify at least one command for the container'));
  let child: ChildProcess | undefined;
  const pendingStdin: Buffer[] = [];
  let stdinClosed = false;
  let size: TermSize | undefined;
  const start = () => {
    if (child) return;
    let command = r.command;
    if (r.tty) {
      const sizeSet = size ? `stty cols ${size.Width} rows ${size.Height} 2>/dev/null; ` : '';
      command = ['script', '-qfec', `${sizeSet}exec ${r.command.map(shellQuote).join(' ')}`, '/dev/null'];
    }
    const env = Object.fromEntries(c.record.env ?? [['PATH', '/usr/sbin:/usr/bin:/sbin:/bin']]);
    if (r.tty) env.TERM ??= 'xterm';
    env.SHELL = '/bin/sh';
    const [cmd, ...args] = enterCommand(pid, Boolean(worker.pod.spec.hostNetwork), command);
    const proc = spawn(cmd, args, { env: { ...env, PATH: `${env.PATH ?? ''}:/usr/sbin:/usr/bin:/sbin:/bin` }, stdio: ['pipe', 'pipe', 'pipe'], cwd: '/' });
    child = proc;
    proc.stdout.on('data', (d: Buffer) => r.stdout && send(ws, Channel.Stdout, d));
    proc.stderr.on('data', (d: Buffer) => send(ws, r.tty || !r.stderr ? Channel.Stdout : Channel.Stderr, d));
    proc.stdin.on('error', () => {});
    for (const b of pendingStdin.splice(0)) proc.stdin.write(b);
    if (stdinClosed || !r.stdin) proc.stdin.end();
    proc.on('error', (err) => finish(ws, failure(err.message)));
    // A command killed by a signal exits 128 + its number, as runc reports it (139 for SIGSEGV).
    proc.on('close', (code, signal) => finish(ws, exitStatus(code ?? (signal ? 128 + (constants.signals[signal] ?? 9) : 1), r.command)));
  };
  const resize = (s: TermSize) => {
    if (!child?.pid) return;
    const pts = ptyOf(child.pid);
    if (pts) spawn('stty', ['-F', pts, 'cols', String(s.Width), 'rows', String(s.Height)], { stdio: 'ignore' }).on('error', () => {});
  };
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const buf = isBinary ? data : Buffer.from(data);
    if (buf.length === 0) return;
    const payload = buf.subarray(1);
    switch (buf[0]) {
      case Channel.Stdin:
        if (child) child.stdin?.write(payload);
        else pendingStdin.push(Buffer.from(payload));
        break;
      case Channel.Resize: {
        const s = parseSize(payload);
        if (!s) break;
        size = s;
        if (child) resize(s);
        else start();
        break;
      }
      case Channel.Close:
        if (payload[0] === Channel.Stdin) {
          stdinClosed = true;
          child?.stdin?.end();
        }
        break;
    }
  });
  ws.on('close', () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });
  // With a tty kubectl sends the terminal size first; wait a moment for it so the command starts with it.
  if (r.tty) setTimeout(start, 150);
  else start();
}
