/**
 * Entry of a data-plane worker process (see workers.ts): receives its init, the parent's
 * listening sockets and then ClusterStates; compiles and swaps each one. Exits with the parent.
 */
import type net from 'node:net';
import { setLogSink } from '../common/log.js';
import { batchedAccessLog } from './access-log.js';
import { classPolicy } from './class-selection.js';
import { compileRoutes } from './compile.js';
import { startDataPlane, type RunningDataPlane } from './data-plane.js';
import type { ClusterState } from './model.js';
import type { FromWorker, WorkerInit } from './workers.js';

let init: WorkerInit | undefined;
const servers: { http?: net.Server; https?: net.Server } = {};
/** Connections accepted before the data plane exists wait here, paused. */
const early: { server: net.Server; socket: net.Socket }[] = [];
const holders = new Map<net.Server, (s: net.Socket) => void>();
let dp: RunningDataPlane | undefined;
let latest: ClusterState | undefined;

const send = (m: FromWorker) => process.send?.(m);

function apply(state: ClusterState): void {
  latest = state;
  if (!dp) return;
  dp.apply(compileRoutes(state, classPolicy(init?.ingressClass)).table);
}

async function begin(): Promise<void> {
  const access = init!.accessLog ? batchedAccessLog() : undefined;
  for (const s of [servers.http, servers.https]) {
    // A server received over IPC starts with default options; match the parent's.
    if (s) Object.assign(s as unknown as { allowHalfOpen: boolean; noDelay: boolean }, { allowHalfOpen: true, noDelay: true });
  }
  dp = await startDataPlane({ httpListen: '', httpsListen: '', servers, redirectHttpsPort: init!.redirectHttpsPort, accessLog: access ? (l) => access.line(l) : undefined, defaultCert: init!.defaultCert });
  if (latest) apply(latest);
  for (const [server, hold] of holders) server.off('connection', hold);
  for (const { server, socket } of early.splice(0)) {
    server.emit('connection', socket);
    socket.resume();
  }
  send({ type: 'ready' });
}

process.on('message', (m: { type: string; which?: 'http' | 'https'; init?: WorkerInit; state?: ClusterState; id?: number }, handle?: net.Server) => {
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
      if (m.state) apply(m.state);
      return;
    case 'metrics':
      send({ type: 'metrics', id: m.id ?? 0, text: dp ? dp.metrics.render() : '' });
      return;
  }
});

// The parent owns this process: when its IPC channel goes, so do we.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => void (dp ? dp.close() : Promise.resolve()).then(() => process.exit(0)));
