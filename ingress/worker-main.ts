/**
 * Entry of a data-plane worker process (see workers.ts): receives its init, the parent's
 * listening sockets and then state changes, which it replays into its own ClusterStore, compiles
 * incrementally and swaps (then acknowledges the generation). Exits with the parent.
 */
import type net from 'node:net';
import { setLogSink } from '../common/log.js';
import { batchedAccessLog } from './access-log.js';
import { classPolicy } from './class-selection.js';
import { ClusterStore } from './cluster-store.js';
import { startDataPlane, type RunningDataPlane } from './data-plane.js';
import { IncrementalCompiler } from './incremental.js';
import type { FromWorker, ToWorker, WorkerInit } from './workers.js';

let init: WorkerInit | undefined;
const servers: { http?: net.Server; https?: net.Server } = {};
/** Connections accepted before the data plane exists wait here, paused. */
const early: { server: net.Server; socket: net.Socket }[] = [];
const holders = new Map<net.Server, (s: net.Socket) => void>();
let dp: RunningDataPlane | undefined;
let store = new ClusterStore();
let compiler: IncrementalCompiler | undefined;
/** Generation of the changes last received (0: a whole state, or nothing yet). */
let generation = 0;

const send = (m: FromWorker) => process.send?.(m);

/** Compiles what the store holds and swaps it in (once the data plane exists). */
function apply(): void {
  if (!dp) return;
  compiler ??= new IncrementalCompiler(classPolicy(init?.ingressClass));
  try {
    dp.apply(compiler.compile(store.state()).table);
  } catch (err) {
    // As in the main process: a compile failure is a bug; keep serving the previous table.
    process.stderr.write(`ingress worker: route compile failed; keeping the previous table: ${(err as Error).stack}
`);
    return;
  }
  send({ type: 'applied', generation });
}

async function begin(): Promise<void> {
  const access = init!.accessLog ? batchedAccessLog() : undefined;
  for (const s of [servers.http, servers.https]) {
    // A server received over IPC starts with default options; match the parent's.
    if (s) Object.assign(s as unknown as { allowHalfOpen: boolean; noDelay: boolean }, { allowHalfOpen: true, noDelay: true });
  }
  dp = await startDataPlane({ httpListen: '', httpsListen: '', servers, redirectHttpsPort: init!.redirectHttpsPort, accessLog: access ? (l) => access.line(l) : undefined, defaultCert: init!.defaultCert });
  apply();
  for (const [server, hold] of holders) server.off('connection', hold);
  for (const { server, socket } of early.splice(0)) {
    server.emit('connection', socket);
    socket.resume();
  }
  send({ type: 'ready' });
}

type Message = ToWorker | { type: 'server'; which: 'http' | 'https' } | { type: 'servers-done' };

process.on('message', (m: Message, handle?: net.Server) => {
  switch (m.type) {
    case 'init':
      init = m.init;
      if (process.env.SVCNET_LOG_LEVEL !== 'debug') setLogSink((line) => line.includes('level=error') && process.stderr.write(line + '\n'));
      return;
    case 'server':
      if (handle && m.which) {
        const server = handle;
        servers[m.which] = server;
        const hold = (socket: net.Socket) => {
          socket.pause();
          early.push({ server, socket });
        };
        holders.set(server, hold);
        server.on('connection', hold);
      }
      return;
    case 'servers-done':
      void begin().catch((err: unknown) => {
        process.stderr.write(`ingress worker failed: ${(err as Error).message}\n`);
        process.exit(1);
      });
      return;
    case 'state':
      store = ClusterStore.from(m.state);
      generation = 0;
      apply();
      return;
    case 'changes':
      store.apply(m.changes);
      generation = m.generation;
      apply();
      return;
    case 'metrics':
      send({ type: 'metrics', id: m.id, text: dp ? dp.metrics.render() : '' });
      return;
  }
});

// The parent owns this process: when its IPC channel goes, so do we.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => void (dp ? dp.close() : Promise.resolve()).then(() => process.exit(0)));
