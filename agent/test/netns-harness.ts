/**
 * Whole-node tests: a network namespace made for the test (`svcnet-t-<rand>` with a veth eth0 as
 * the node's address), the agent as a child process in it (nsenter --net only, so it shares the
 * host's mount namespace and its pod namespaces under /run/netns are real), and the in-process API
 * fixture reached from inside through a port bridge (a listening socket made inside the namespace
 * and handed to this process over IPC). Everything is removed in `close()`, also after failures.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { podNetnsName } from '../names.js';
import { poolMarkers } from '../net/sandbox-pool.js';
import { nodeScriptArgs } from '../../testing/node-script.js';

export function canRunNodeTests(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return 'ip netns does not work here';
  if (spawnSync('nsenter', ['--version']).status !== 0) return 'nsenter missing';
  return undefined;
}

export function sh(cmd: string, args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

export class TestNode {
  readonly netns = `svcnet-t-${randomBytes(3).toString('hex')}`;
  readonly nodeIP: string;
  readonly root = mkdtempSync(join(tmpdir(), 'svcnet-agent-test-'));
  readonly dataDir = join(this.root, 'data');
  agent?: ChildProcess;
  agentLog = '';
  #bridge?: ChildProcess;
  /** The listening socket the bridge child made inside, and the connections through it: closed in close() (they would keep the test process alive). */
  #bridgeServer?: Server;
  #bridged = new Set<Socket>();
  #apiPortInside = 0;
  #pending = new Map<number, { resolve: (s: Socket) => void; reject: (e: Error) => void }>();
  #nextId = 1;

  constructor() {
    this.nodeIP = `172.31.${Math.floor(Math.random() * 250) + 1}.2`;
  }

  /** `apiPort`: the host-side API server the port bridge leads to (none when the API server runs inside). */
  async setup(apiPort?: number): Promise<void> {
    for (const args of [
      ['netns', 'add', this.netns],
      ['-n', this.netns, 'link', 'set', 'lo', 'up'],
      ['-n', this.netns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0peer'],
      ['-n', this.netns, 'link', 'set', 'eth0peer', 'up'],
      ['-n', this.netns, 'addr', 'add', `${this.nodeIP}/24`, 'dev', 'eth0'],
      ['-n', this.netns, 'link', 'set', 'eth0', 'up'],
    ]) {
      const r = sh('ip', args);
      if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
    }
    if (apiPort !== undefined) this.#apiPortInside = await this.#startBridge(apiPort);
  }

  #startBridge(apiPort: number): Promise<number> {
    const child = spawn('nsenter', [`--net=/run/netns/${this.netns}`, process.execPath, ...nodeScriptArgs('./port-bridge-child', import.meta.url)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#bridge = child;
    return new Promise((resolve, reject) => {
      child.on('message', (m: { listening?: number; connected?: number; failed?: number; message?: string }, handle?: Server | Socket) => {
        if (m.listening !== undefined) {
          this.#bridgeServer = handle as Server;
          this.#bridgeServer.on('connection', (inside: Socket) => {
            const outside = connect({ host: '127.0.0.1', port: apiPort });
            for (const s of [inside, outside]) {
              this.#bridged.add(s);
              s.on('close', () => this.#bridged.delete(s));
            }
            inside.pipe(outside).pipe(inside);
            inside.on('error', () => outside.destroy());
            outside.on('error', () => inside.destroy());
          });
          resolve(m.listening);
        }
        if (m.connected !== undefined) this.#pending.get(m.connected)?.resolve(handle as Socket);
        if (m.failed !== undefined) this.#pending.get(m.failed)?.reject(new Error(m.message));
      });
      child.on('exit', () => reject(new Error('port bridge exited')));
    });
  }

  /** A TCP connection made inside the namespace (to a pod, or the kubelet API). */
  connectInside(host: string, port: number): Promise<Socket> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#bridge!.send({ connect: { host, port, id } });
    });
  }

  /** The fixture's kubeconfig with the server moved to the bridged port inside the namespace. */
  kubeconfigFor(fixtureKubeconfig: string): string {
    const text = readFileSync(fixtureKubeconfig, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${this.#apiPortInside}`);
    const path = join(this.root, 'kubeconfig.yaml');
    writeFileSync(path, text);
    return path;
  }

  startAgent(kubeconfig: string, extra: string[] = []): Promise<void> {
    const args = ['--kubeconfig', kubeconfig, '--hostname-override', `node-${this.netns.slice(-6)}`, '--node-ip', this.nodeIP, '--data-dir', this.dataDir, '--kubelet-listen', '0.0.0.0:10250', ...extra];
    const child = spawn('nsenter', [`--net=/run/netns/${this.netns}`, process.execPath, ...nodeScriptArgs('./run-agent', import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SVCNET_LOG_LEVEL: process.env.SVCNET_LOG_LEVEL ?? 'info' } });
    this.agent = child;
    child.stderr!.on('data', (d) => {
      this.agentLog += d;
      if (process.env.SVCNET_TEST_LOGS) process.stderr.write(d);
    });
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`agent did not get ready: ${this.agentLog}`)), 30_000);
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('agent ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`agent exited ${code}: ${this.agentLog}`));
      });
    });
  }

  /** SIGTERM and wait for the exit. */
  async stopAgent(): Promise<void> {
    const a = this.agent;
    if (!a || a.exitCode !== null) return;
    const done = new Promise((r) => a.once('exit', r));
    a.kill('SIGTERM');
    const timer = setTimeout(() => a.kill('SIGKILL'), 30_000);
    await done;
    clearTimeout(timer);
    this.agent = undefined;
    // A clean shutdown exits 0; anything else (killed by the signal, a crash) means cleanup did not run.
    if (a.exitCode !== 0) throw new Error(`agent did not exit cleanly (code ${a.exitCode}, signal ${a.signalCode}): ${this.agentLog.slice(-2000)}`);
  }

  run(cmd: string, args: string[]): { code: number; stdout: string; stderr: string } {
    return sh('nsenter', [`--net=/run/netns/${this.netns}`, cmd, ...args]);
  }

  /** Pod namespace hashes recorded in the agent's data dir. */
  recordedHashes(): string[] {
    const dir = join(this.dataDir, 'agent', 'pods');
    if (!existsSync(dir)) return [];
    return readdirSync(dir).flatMap((uid) => {
      try {
        return [JSON.parse(readFileSync(join(dir, uid, 'state.json'), 'utf8')).hash as string];
      } catch {
        return [];
      }
    });
  }

  /** The namespace hash a pod's record names. */
  recordedHash(uid: string): string | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dataDir, 'agent', 'pods', uid, 'state.json'), 'utf8')).hash as string;
    } catch {
      return undefined;
    }
  }

  /** Hashes of the agent's pooled sandboxes (their marker files). */
  poolHashes(): string[] {
    return poolMarkers(join(this.dataDir, 'agent', 'sandbox-pool'));
  }

  /** How many pooled sandboxes are ready to be taken. */
  poolReady(): number {
    return this.poolHashes().filter((h) => {
      try {
        return readFileSync(join(this.dataDir, 'agent', 'sandbox-pool', h), 'utf8') === 'ready';
      } catch {
        return false;
      }
    }).length;
  }

  async close(): Promise<void> {
    await this.stopAgent().catch(() => {});
    this.#bridge?.kill('SIGKILL');
    this.#bridgeServer?.close();
    for (const s of this.#bridged) s.destroy();
    // Whatever the agent left: pod and pooled namespaces of our records, then our own namespace (bridge, links go with it).
    for (const hash of [...this.recordedHashes(), ...this.poolHashes()]) {
      const ns = podNetnsName(hash);
      for (const pid of sh('ip', ['netns', 'pids', ns]).stdout.split('\n').filter(Boolean)) sh('kill', ['-9', pid]);
      sh('ip', ['netns', 'del', ns]);
    }
    for (const pid of sh('ip', ['netns', 'pids', this.netns]).stdout.split('\n').filter(Boolean)) sh('kill', ['-9', pid]);
    sh('ip', ['netns', 'del', this.netns]);
    rmSync(this.root, { recursive: true, force: true });
  }
}
