/**
 * A whole svcnet node in network namespaces the test makes: a "node" namespace (loopback up,
 * 192.168.77.2/24, default route via the client) where `svcnet up` runs, and a "client"
 * namespace (192.168.77.1/24) standing for a machine outside, joined by a veth pair. Nothing is
 * made in the host's own namespace; `close()` removes everything even after a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { componentsFromUpOutput } from '../demo/components.js';
import { repoRoot } from '../demo/paths.js';
import { svcnetArgv } from '../demo/svcnet-cli.js';
import type { Need } from '../demo/types.js';

export const nodeAddress = '192.168.77.2';
export const clientAddress = '192.168.77.1';

/** Why a lab cannot be made here, or undefined when it can. */
export function labSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, iptables)';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return '`ip netns` is unavailable';
  if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status !== 0) return 'needs kubectl';
  return undefined;
}

/** Runs a command, returning stdout; throws with stderr when `check` and it fails. */
export function sh(argv: string[], check = true): string {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (check && r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr || r.error?.message}`);
  return r.stdout ?? '';
}

export interface NodeLab {
  nodeNetns: string;
  clientNetns: string;
  dataDir: string;
  /** Hashes of pod namespaces seen (svcnet-<hash>), so close() can remove any the stack left. */
  podHashes: Set<string>;
  close(): Promise<void>;
}

export function createLab(): NodeLab {
  const r = randomBytes(3).toString('hex');
  const lab: NodeLab = {
    nodeNetns: `svcnet-e2e-n-${r}`,
    clientNetns: `svcnet-e2e-c-${r}`,
    dataDir: mkdtempSync(join(tmpdir(), 'svcnet-e2e-')),
    podHashes: new Set(),
    close: async () => removeLab(lab),
  };
  try {
    sh(['ip', 'netns', 'add', lab.nodeNetns]);
    sh(['ip', 'netns', 'add', lab.clientNetns]);
    sh(['ip', 'link', 'add', `se2e${r}n`, 'netns', lab.nodeNetns, 'type', 'veth', 'peer', 'name', `se2e${r}c`, 'netns', lab.clientNetns]);
    for (const [ns, link, addr] of [[lab.nodeNetns, `se2e${r}n`, nodeAddress], [lab.clientNetns, `se2e${r}c`, clientAddress]]) {
      sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      sh(['ip', '-n', ns, 'addr', 'add', `${addr}/24`, 'dev', link]);
      sh(['ip', '-n', ns, 'link', 'set', link, 'up']);
    }
    // Like a real machine's default route: packets to nowhere (a cluster IP nobody DNATs) leave
    // the node and die at the client, instead of failing with "network unreachable".
    sh(['ip', '-n', lab.nodeNetns, 'route', 'add', 'default', 'via', clientAddress]);
  } catch (err) {
    removeLab(lab);
    throw err;
  }
  return lab;
}

/** Pod namespaces the node's agent made: their host-side links (svcnet<hash>) live in the node namespace. */
export function notePodHashes(lab: NodeLab): void {
  for (const m of sh(['ip', '-n', lab.nodeNetns, '-o', 'link', 'show'], false).matchAll(/^\d+: svcnet([0-9a-f]{9})[@:]/gm)) lab.podHashes.add(m[1]);
}

function killNetnsProcesses(ns: string): void {
  for (const pid of sh(['ip', 'netns', 'pids', ns], false).split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

function removeLab(lab: NodeLab): void {
  const existing = new Set(sh(['ip', 'netns', 'list'], false).split('\n').map((l) => l.split(' ')[0]));
  const ours = [...[...lab.podHashes].map((h) => `svcnet-${h}`), lab.nodeNetns, lab.clientNetns].filter((ns) => existing.has(ns));
  for (const ns of ours) killNetnsProcesses(ns);
  for (const ns of ours) sh(['ip', 'netns', 'del', ns], false);
  rmSync(lab.dataDir, { recursive: true, force: true });
}

export interface UpProcess {
  child: ChildProcess;
  /** Everything `svcnet up` printed so far (stdout and stderr). */
  output(): string;
  components: Set<Need>;
  /** From start to "svcnet is up", as measured by the test. */
  readyMs: number;
  /** SIGTERM, then SIGKILL to the process group after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts `svcnet up` inside the node namespace and waits until it says it is up. */
export function startUp(lab: NodeLab, extraArgs: string[] = [], timeoutMs = 90_000): Promise<UpProcess> {
  const t0 = Date.now();
  const [node, ...args] = svcnetArgv();
  const child = spawn('ip', ['netns', 'exec', lab.nodeNetns, node, ...args, 'up', '--data-dir', lab.dataDir, '--advertise-address', nodeAddress, ...extraArgs], {
    cwd: repoRoot(),
    env: { ...process.env, SVCNET_LOG_LEVEL: process.env.SVCNET_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-200_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async (graceMs = 60_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`svcnet up not up after ${timeoutMs} ms; it printed:\n${out}`)), timeoutMs);
    const fail = (err: Error) => {
      clearInterval(poll);
      clearTimeout(timer);
      void stop(5000).then(() => reject(err));
    };
    const poll = setInterval(() => {
      if (!/svcnet is up in \d+ ms/.test(out)) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ child, output: () => out, components: componentsFromUpOutput(out), readyMs: Date.now() - t0, stop });
    }, 20);
    void exited.then((code) => {
      if (!/svcnet is up in/.test(out)) fail(new Error(`svcnet up exited (${code}) before it was up; it printed:\n${out}`));
    });
  });
}
