/**
 * A throwaway network lab for kernel tests and benchmarks, made only of namespaces it creates:
 *
 *   client ns (192.168.77.2) ──veth── node ns (192.168.77.1, bridge br0 10.244.0.1/24) ──veth── pod ns (10.244.0.1x)
 *
 * The proxy programs the node namespace (`startProxy({ netns })`). Pods run a tiny HTTP server
 * answering "<pod name> <client address>". Nothing touches the host's own links or tables, and
 * close() removes every namespace and process even after a failure.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const labNodeIP = '192.168.77.1';
export const labClientIP = '192.168.77.2';
export const labPodCIDR = '10.244.0.0/16';

const podServer = `
const http = require('http');
const name = process.argv[2];
http.createServer((req, res) => { res.setHeader('Connection', 'close'); res.end(name + ' ' + req.socket.remoteAddress.replace('::ffff:', '')); })
  .listen(Number(process.argv[3] || 8080), '0.0.0.0', () => console.log('ready'));
// UDP on the same port answers with the pod name too.
const udp = require('dgram').createSocket('udp4');
udp.on('message', (m, r) => udp.send(name, r.port, r.address));
udp.bind(Number(process.argv[3] || 8080));
`;

/** Sends one UDP datagram from a fixed source port and prints the answer ("" after the timeout). */
const udpClient = `
const s = require('dgram').createSocket('udp4');
const [host, port, srcPort] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const t = setTimeout(() => { console.log(''); s.close(); }, 1000);
s.on('message', (m) => { clearTimeout(t); console.log(m.toString()); s.close(); });
s.bind(srcPort, () => s.send('hi', port, host));
`;

/** Runs `count` requests, each on a new connection, and tallies who answered. */
const httpClient = `
const http = require('http');
const [host, port, count, timeoutMs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4] || 1), Number(process.argv[5] || 2000)];
const out = { answers: {}, sources: {}, errors: {}, ms: [] };
function one() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.get({ host, port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => { const [who, src] = body.split(' '); out.answers[who] = (out.answers[who] || 0) + 1; out.sources[src] = (out.sources[src] || 0) + 1; out.ms.push(performance.now() - t0); resolve(); });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e) => { out.errors[e.code || e.message] = (out.errors[e.code || e.message] || 0) + 1; out.ms.push(performance.now() - t0); resolve(); });
  });
}
(async () => { for (let i = 0; i < count; i++) await one(); console.log(JSON.stringify(out)); })();
`;

export interface HttpTally {
  answers: Record<string, number>;
  sources: Record<string, number>;
  errors: Record<string, number>;
  ms: number[];
}

export interface Pod {
  readonly name: string;
  readonly ns: string;
  readonly ip: string;
}

export class Lab {
  readonly id = randomBytes(3).toString('hex');
  readonly nodeNs = `svcnet-pt-${this.id}-node`;
  readonly clientNs = `svcnet-pt-${this.id}-client`;
  readonly pods: Pod[] = [];
  readonly #namespaces: string[] = [];
  readonly #processes: ChildProcess[] = [];
  readonly #dir = mkdtempSync(join(tmpdir(), 'svcnet-lab-'));

  static canRun(): string | undefined {
    if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
    for (const tool of ['ip', 'iptables', 'nft', 'iptables-restore']) {
      if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
    }
    return undefined;
  }

  constructor() {
    writeFileSync(join(this.#dir, 'pod-server.cjs'), podServer);
    writeFileSync(join(this.#dir, 'http-client.cjs'), httpClient);
    writeFileSync(join(this.#dir, 'udp-client.cjs'), udpClient);
  }

  /** Node and client namespaces, the bridge, the external link, forwarding. */
  setUp(): this {
    this.#addNs(this.nodeNs);
    this.#addNs(this.clientNs);
    const n = this.nodeNs;
    ip('-n', n, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', n, 'addr', 'add', '10.244.0.1/24', 'dev', 'br0');
    ip('-n', n, 'link', 'set', 'br0', 'up');
    ip('-n', n, 'link', 'add', 'ext0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.clientNs);
    ip('-n', n, 'addr', 'add', `${labNodeIP}/24`, 'dev', 'ext0');
    ip('-n', n, 'link', 'set', 'ext0', 'up');
    ip('-n', this.clientNs, 'addr', 'add', `${labClientIP}/24`, 'dev', 'eth0');
    ip('-n', this.clientNs, 'link', 'set', 'eth0', 'up');
    ip('-n', this.clientNs, 'route', 'add', 'default', 'via', labNodeIP);
    // A real node has a default route; without one, connects to a cluster IP fail before netfilter.
    ip('-n', n, 'route', 'add', 'default', 'via', labClientIP);
    // Bridged pod-to-pod replies must pass conntrack to be un-DNATed (br_netfilter, as on real nodes).
    this.exec(n, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1', 'net.bridge.bridge-nf-call-iptables=1']);
    return this;
  }

  /** A pod namespace on the bridge with an HTTP server on :8080; resolves when it listens. */
  async addPod(name: string): Promise<Pod> {
    const index = this.pods.length;
    const pod: Pod = { name, ns: `svcnet-pt-${this.id}-p${index}`, ip: `10.244.0.${10 + index}` };
    this.#addNs(pod.ns);
    ip('-n', this.nodeNs, 'link', 'add', `vp${index}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod.ns);
    ip('-n', this.nodeNs, 'link', 'set', `vp${index}`, 'master', 'br0', 'up');
    ip('-n', pod.ns, 'addr', 'add', `${pod.ip}/24`, 'dev', 'eth0');
    ip('-n', pod.ns, 'link', 'set', 'eth0', 'up');
    ip('-n', pod.ns, 'route', 'add', 'default', 'via', '10.244.0.1');
    const child = spawn('ip', ['netns', 'exec', pod.ns, process.execPath, join(this.#dir, 'pod-server.cjs'), name], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.#processes.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`pod ${name} server exited ${code}`)));
    });
    this.pods.push(pod);
    return pod;
  }

  /** `count` HTTP requests from inside `ns`, each on a new connection. */
  async http(ns: string, host: string, port: number, count = 1, timeoutMs = 2000): Promise<HttpTally> {
    const r = await this.execAsync(ns, process.execPath, [join(this.#dir, 'http-client.cjs'), host, String(port), String(count), String(timeoutMs)]);
    return JSON.parse(r.stdout) as HttpTally;
  }

  /** One UDP request from `srcPort` (the same source port = the same conntrack entry); the answerer's name or "". */
  async udp(ns: string, host: string, port: number, srcPort: number): Promise<string> {
    const r = await this.execAsync(ns, process.execPath, [join(this.#dir, 'udp-client.cjs'), host, String(port), String(srcPort)]);
    return r.stdout.trim();
  }

  exec(ns: string, cmd: string, args: string[]): string {
    return execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  execAsync(ns: string, cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  /** Kills every process, deletes every namespace (taking their links along), removes temp files. */
  async close(): Promise<void> {
    for (const p of this.#processes.splice(0)) {
      if (p.exitCode === null) {
        const exited = new Promise((r) => p.once('exit', r));
        p.kill('SIGKILL');
        await exited;
      }
    }
    for (const ns of this.#namespaces.splice(0).reverse()) spawnSync('ip', ['netns', 'del', ns]);
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #addNs(ns: string): void {
    ip('netns', 'add', ns);
    this.#namespaces.push(ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Pearson's chi-square statistic of observed counts against a uniform expectation. */
export function chiSquareUniform(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

/** Critical values at p = 0.001 for 1..9 degrees of freedom (a fair split fails 1 run in 1000). */
export const chiSquareCritical001 = [10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88];

export async function waitUntil(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 10_000, stepMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
