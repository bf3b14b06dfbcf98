/**
 * Extra data-plane processes. One Node process saturates one core, so with `workers: N` the main
 * process forks N-1 children that accept on the very same listening sockets (the TCP server handles
 * are passed over IPC; the kernel spreads connections) — the nginx worker model without
 * SO_REUSEPORT (Node 20 lacks it). The main process keeps the control side: after each compile it
 * sends the children what changed (not the whole state: at 10k routes that alone costs more than
 * an incremental compile); each replays the changes into its own ClusterStore, compiles
 * incrementally, swaps, and acknowledges the generation. /metrics sums the workers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logger } from '../common/log.js';
import type { StateChange } from './cluster-store.js';
import type { ClusterState } from './model.js';

const log = logger('ingress');

/** What a worker needs to build the same data plane as the main process. */
export interface WorkerInit {
  ingressClass?: string;
  accessLog: boolean;
  redirectHttpsPort?: number;
  defaultCert?: { cert: string; key: string };
}

export type ToWorker =
  | { type: 'init'; init: WorkerInit }
  /** The whole state, replacing what the worker had (a fixed configuration: tests, benchmarks). */
  | { type: 'state'; state: ClusterState }
  | { type: 'changes'; changes: StateChange[]; generation: number }
  | { type: 'metrics'; id: number };
export type FromWorker = { type: 'ready' } | { type: 'applied'; generation: number } | { type: 'metrics'; id: number; text: string };

function workerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return join(dirname(here), here.endsWith('.ts') ? 'worker-main.ts' : 'worker-main.js');
}

export class WorkerPool {
  readonly #children: ChildProcess[] = [];
  #nextId = 1;
  readonly #pending = new Map<number, (text: string) => void>();
  /** The last generation each worker has swapped in. */
  readonly #applied = new Map<ChildProcess, number>();
  #closed = false;

  static async start(count: number, servers: { http?: net.Server; https?: net.Server }, init: WorkerInit): Promise<WorkerPool> {
    const pool = new WorkerPool();
    try {
      await Promise.all(Array.from({ length: count }, () => pool.#spawn(servers, init)));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.#children.length;
  }

  #spawn(servers: { http?: net.Server; https?: net.Server }, init: WorkerInit): Promise<void> {
    const child = fork(workerEntry(), [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    this.#children.push(child);
    child.on('message', (m: FromWorker) => {
      if (m.type === 'metrics') {
        this.#pending.get(m.id)?.(m.text);
        this.#pending.delete(m.id);
      } else if (m.type === 'applied') this.#applied.set(child, m.generation);
    });
    child.on('exit', (code) => {
      if (!this.#closed) log.error('ingress worker exited', { pid: child.pid, code });
    });
    return new Promise((resolve, reject) => {
      const onReady = (m: FromWorker) => {
        if (m.type !== 'ready') return;
        child.off('message', onReady);
        resolve();
      };
      child.on('message', onReady);
      child.once('exit', (code) => reject(new Error(`ingress worker exited with ${code} before it was ready`)));
      child.send({ type: 'init', init } satisfies ToWorker);
      // Handles go one per message; the worker starts serving once it has both (or the one there is).
      if (servers.http) child.send({ type: 'server', which: 'http' }, servers.http);
      if (servers.https) child.send({ type: 'server', which: 'https' }, servers.https);
      child.send({ type: 'servers-done' });
    });
  }

  broadcast(state: ClusterState): void {
    for (const c of this.#children) if (c.connected) c.send({ type: 'state', state } satisfies ToWorker);
  }

  sendChanges(changes: StateChange[], generation: number): void {
    for (const c of this.#children) if (c.connected) c.send({ type: 'changes', changes, generation } satisfies ToWorker);
  }

  /** The oldest generation some live worker is serving (0 before any). */
  appliedGeneration(): number {
    let min = Infinity;
    for (const c of this.#children) if (c.connected) min = Math.min(min, this.#applied.get(c) ?? 0);
    return min === Infinity ? 0 : min;
  }

  /** Each worker's metrics text (a worker that does not answer within a second is left out). */
  async metrics(): Promise<string[]> {
    return Promise.all(
      this.#children
        .filter((c) => c.connected)
        .map(
          (c) =>
            new Promise<string>((resolve) => {
              const id = this.#nextId++;
              const timer = setTimeout(() => {
                this.#pending.delete(id);
                resolve('');
              }, 1000);
              this.#pending.set(id, (text) => {
                clearTimeout(timer);
                resolve(text);
              });
              c.send({ type: 'metrics', id } satisfies ToWorker);
            }),
        ),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      this.#children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const t = setTimeout(() => c.kill('SIGKILL'), 3000);
            c.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  }
}

/**
 * Sums Prometheus texts of several processes family by family: counters, histograms and the
 * connection gauge add up; other gauges (route count, last swap time) take the largest value.
 */
export function mergeMetrics(texts: string[]): string {
  const families = new Map<string, { head: string[]; type: string; samples: Map<string, number> }>();
  for (const text of texts) {
    let current: { head: string[]; type: string; samples: Map<string, number> } | undefined;
    for (const line of text.split('\n')) {
      if (!line) continue;
      const help = /^# HELP (\S+)/.exec(line);
      if (help) {
        current = families.get(help[1]);
        if (!current) families.set(help[1], (current = { head: [line], type: 'untyped', samples: new Map() }));
        continue;
      }
      const type = /^# TYPE (\S+) (\S+)/.exec(line);
      if (type && current) {
        if (current.head.length === 1) current.head.push(line);
        current.type = type[2];
        continue;
      }
      const sp = line.lastIndexOf(' ');
      if (!current || sp < 0) continue;
      const key = line.slice(0, sp);
      const v = Number(line.slice(sp + 1));
      const prev = current.samples.get(key);
      const additive = current.type !== 'gauge' || key.includes('process_connections');
      current.samples.set(key, prev === undefined ? v : additive ? prev + v : Math.max(prev, v));
    }
  }
  const out: string[] = [];
  for (const f of families.values()) {
    out.push(...f.head);
    for (const [k, v] of f.samples) out.push(`${k} ${v}`);
  }
  return out.join('\n') + '\n';
}
