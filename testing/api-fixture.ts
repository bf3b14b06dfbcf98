/**
 * Test fixture: an API server on a free loopback port with its own temporary data dir, and a
 * runner for the real kubectl with a fresh HOME and KUBECACHEDIR (kubectl caches /version and
 * discovery for hours, so each run must start clean).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../api/server/server.js';
import { setLogSink } from '../common/log.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ApiFixture {
  server: ApiServer;
  dataDir: string;
  home: string;
  env: NodeJS.ProcessEnv;
  kubectl(args: string[] | string, opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** Writes a manifest into the fixture's dir and returns its path. */
  file(name: string, text: string): string;
  close(): Promise<void>;
}

export function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

export async function startApiFixture(opts: Partial<ApiServerOptions> = {}): Promise<ApiFixture> {
  const root = mkdtempSync(join(tmpdir(), 'svcnet-test-'));
  const dataDir = opts.dataDir ?? join(root, 'data');
  const home = join(root, 'home');
  if (!process.env.SVCNET_TEST_LOGS) setLogSink(() => {});
  const server = await startApiServer({ listen: '127.0.0.1:0', advertiseAddress: '192.0.2.10', ...opts, dataDir });
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, KUBECACHEDIR: join(home, 'kube-cache'), KUBECONFIG: server.kubeconfigPath, LANG: 'C' };
  return {
    server,
    dataDir,
    home,
    env,
    kubectl: (args, o = {}) => runKubectl(typeof args === 'string' ? splitArgs(args) : args, env, o),
    file: (name, text) => {
      const p = join(root, name);
      writeFileSync(p, text);
      return p;
    },
    close: async () => {
      await server.close();
      if (!opts.dataDir) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Splits on spaces, keeping '…' and "…" groups together (enough for test command lines). */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

export function runKubectl(args: string[], env: NodeJS.ProcessEnv, opts: { input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Splits a kubectl table into rows of cells (runs of 2+ spaces separate columns). */
export function tableRows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s{2,}/));
}
