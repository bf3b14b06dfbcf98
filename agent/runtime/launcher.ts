/**
 * Starts container processes from a small helper process instead of the agent itself. Node forks
 * the whole calling process to spawn, and fork time grows with its memory: about 1.5 ms for a
 * 50 MB process, over 13 ms for the agent (and more inside `svcnet up`, which holds every
 * component), all of it blocking the event loop. A burst of 100 pods spent over a second there.
 * The helper is plain Node without the agent's heap; it spawns each container detached (own
 * session, so it outlives the helper and the agent), reports its pid, and later its exit.
 * If the helper dies, exits of what it started are unknown: callers then poll the pids, as for
 * processes adopted from an earlier agent.
 * Each spawn blocks its helper until the new process has exec'd (a few ms, more on a busy
 * machine), so a burst of starts is shared among `helpers` of them (each request to the one with
 * the fewest starts waiting), all started with the agent (`prestart`). On this 2-core machine the
 * spawned processes' own CPU is the limit: one try with six helpers was no faster than two.
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
// One spawn per turn of the event loop: requests arrive in bunches, and each spawn blocks for
// milliseconds; between spawns the pid of the last one goes out instead of waiting for the bunch.
const queue = [];
process.on('message', (m) => {
  if (queue.push(m) === 1) setImmediate(next);
});
function next() {
  start(queue[0]);
  queue.shift();
  if (queue.length > 0) setImmediate(next);
}
function start(m) {
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
}
`;

interface Helper {
  process: ChildProcess;
  starts: Map<number, { resolve: (l: Launched) => void; reject: (e: Error) => void }>;
  exits: Map<number, (e: ProcessExit | undefined) => void>;
}

export class ProcessLauncher {
  readonly #helpers: (Helper | undefined)[];
  #nextId = 1;

  /** `programPath`: where the helper's source is written (the agent's data dir). */
  constructor(
    readonly programPath: string,
    helpers = 2,
  ) {
    this.#helpers = Array.from({ length: Math.max(1, helpers) }, () => undefined);
  }

  /** Starts every helper now: a Node start costs ~50-100 ms of CPU, better spent before a burst than in it. */
  prestart(): void {
    this.#helpers.forEach((h, slot) => h ?? this.#startHelper(slot));
  }

  launch(req: LaunchRequest): Promise<Launched> {
    const helper = this.#pickHelper();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      helper.starts.set(id, { resolve, reject });
      helper.process.send({ id, ...req });
    });
  }

  /** A helper not started yet, else the one with the fewest starts waiting. */
  #pickHelper(): Helper {
    const free = this.#helpers.findIndex((h) => h === undefined || h.starts.size === 0);
    if (free >= 0) return this.#helpers[free] ?? this.#startHelper(free);
    return (this.#helpers as Helper[]).reduce((a, b) => (b.starts.size < a.starts.size ? b : a));
  }

  #startHelper(slot: number): Helper {
    mkdirSync(dirname(this.programPath), { recursive: true });
    writeFileSync(this.programPath, helperSource);
    // execArgv: none of the agent's (a TypeScript loader would double the helper's memory).
    const child = fork(this.programPath, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const helper: Helper = { process: child, starts: new Map(), exits: new Map() };
    child.on('message', (m: HelperMessage) => this.#onMessage(helper, m));
    child.on('exit', () => this.#helperGone(slot, helper));
    child.on('error', () => this.#helperGone(slot, helper));
    // The helper never keeps the agent alive: the agent lets it go in close(), or it ends on disconnect.
    child.unref();
    child.channel?.unref();
    this.#helpers[slot] = helper;
    return helper;
  }

  #onMessage(helper: Helper, m: HelperMessage): void {
    if ('exitOf' in m) {
      helper.exits.get(m.exitOf)?.({ code: m.code, signal: m.signal });
      helper.exits.delete(m.exitOf);
      return;
    }
    const start = helper.starts.get(m.id);
    helper.starts.delete(m.id);
    if (!start) return;
    if (m.pid === undefined) return start.reject(new SvcnetError('CommandFailed', `agent: cannot start the container process: ${m.error}`));
    const pid = m.pid;
    start.resolve({ pid, exited: new Promise((resolve) => helper.exits.set(pid, resolve)) });
  }

  #helperGone(slot: number, helper: Helper): void {
    if (this.#helpers[slot] !== helper) return;
    this.#helpers[slot] = undefined;
    for (const s of helper.starts.values()) s.reject(new SvcnetError('CommandFailed', 'agent: the process launcher exited'));
    helper.starts.clear();
    for (const e of helper.exits.values()) e(undefined);
    helper.exits.clear();
  }

  /** Lets the helpers go; the processes they started keep running. */
  close(): void {
    this.#helpers.forEach((helper, slot) => {
      if (!helper) return;
      this.#helperGone(slot, helper);
      helper.process.disconnect();
    });
  }
}
