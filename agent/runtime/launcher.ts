/**
 * Starts container processes from a small helper process instead of the agent itself. Node forks
 * the whole calling process to spawn, and fork time grows with its memory: about 1.5 ms for a
 * 50 MB process, over 13 ms for the agent (and more inside `svcnet up`, which holds every
 * component), all of it blocking the event loop. A burst of 100 pods spent over a second there.
 * The helper is plain Node without the agent's heap; it spawns each container detached (own
 * session, so it outlives the helper and the agent), reports its pid, and later its exit.
 * If the helper dies, exits of what it started are unknown: callers then poll the pids, as for
 * processes adopted from an earlier agent.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SvcnetError } from '../../common/errors.js';

export interface LaunchRequest {
  cmd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdoutPath: string;
  stderrPath: string;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Launched {
  pid: number;
  /** The exit, or undefined when it cannot be known any more (the helper is gone). */
  exited: Promise<ProcessExit | undefined>;
}

type HelperMessage = { id: number; pid?: number; error?: string } | ({ exitOf: number } & ProcessExit);

/** The helper: spawns on request, reports pids and exits; ends when the agent disconnects. */
const helperSource = `import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
// Ctrl-C reaches the whole process group: the helper stays until the agent lets it go.
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
process.on('disconnect', () => process.exit(0));
process.on('message', (m) => {
  const fds = [];
  try {
    fds.push(openSync(m.stdoutPath, 'a'), openSync(m.stderrPath, 'a'));
    const c = spawn(m.cmd, m.args, { env: m.env, cwd: m.cwd, stdio: ['ignore', fds[0], fds[1]], detached: true });
    c.on('error', (e) => process.send({ id: m.id, error: e.message }));
    if (c.pid) {
      process.send({ id: m.id, pid: c.pid });
      c.on('exit', (code, signal) => process.send({ exitOf: c.pid, code, signal }));
    }
  } catch (e) {
    process.send({ id: m.id, error: String(e && e.message || e) });
  } finally {
    for (const fd of fds) closeSync(fd);
  }
});
`;

export class ProcessLauncher {
  #helper?: ChildProcess;
  #nextId = 1;
  #starts = new Map<number, { resolve: (l: Launched) => void; reject: (e: Error) => void }>();
  #exits = new Map<number, (e: ProcessExit | undefined) => void>();

  /** `programPath`: where the helper's source is written (the agent's data dir). */
  constructor(readonly programPath: string) {}

  launch(req: LaunchRequest): Promise<Launched> {
    const helper = this.#ensureHelper();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#starts.set(id, { resolve, reject });
      helper.send({ id, ...req });
    });
  }

  #ensureHelper(): ChildProcess {
    if (this.#helper) return this.#helper;
    mkdirSync(dirname(this.programPath), { recursive: true });
    writeFileSync(this.programPath, helperSource);
    // execArgv: none of the agent's (a TypeScript loader would double the helper's memory).
    const helper = fork(this.programPath, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    helper.on('message', (m: HelperMessage) => this.#onMessage(m));
    helper.on('exit', () => this.#helperGone(helper));
    helper.on('error', () => this.#helperGone(helper));
    // The helper never keeps the agent alive: the agent lets it go in close(), or it ends on disconnect.
    helper.unref();
    helper.channel?.unref();
    this.#helper = helper;
    return helper;
  }

  #onMessage(m: HelperMessage): void {
    if ('exitOf' in m) {
      this.#exits.get(m.exitOf)?.({ code: m.code, signal: m.signal });
      this.#exits.delete(m.exitOf);
      return;
    }
    const start = this.#starts.get(m.id);
    this.#starts.delete(m.id);
    if (!start) return;
    if (m.pid === undefined) return start.reject(new SvcnetError('CommandFailed', `agent: cannot start the container process: ${m.error}`));
    const pid = m.pid;
    start.resolve({ pid, exited: new Promise((resolve) => this.#exits.set(pid, resolve)) });
  }

  #helperGone(helper: ChildProcess): void {
    if (this.#helper !== helper) return;
    this.#helper = undefined;
    for (const s of this.#starts.values()) s.reject(new SvcnetError('CommandFailed', 'agent: the process launcher exited'));
    this.#starts.clear();
    for (const e of this.#exits.values()) e(undefined);
    this.#exits.clear();
  }

  /** Lets the helper go; the processes it started keep running. */
  close(): void {
    const helper = this.#helper;
    if (!helper) return;
    this.#helperGone(helper);
    helper.disconnect();
  }
}
