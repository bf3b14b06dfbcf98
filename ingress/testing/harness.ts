/**
 * Test harness: echo backends on loopback ports, a data plane on free ports, the state compiled
 * and applied in one call, and the real curl.
 */
import { execFile } from 'node:child_process';
import { compileRoutes } from '../compile.js';
import { classPolicy } from '../class-selection.js';
import { startDataPlane, type DataPlaneOptions, type RunningDataPlane } from '../data-plane.js';
import type { ClusterState, CompileProblem, ServiceInfo, SliceInfo } from '../model.js';
import type { EchoBackend } from './echo-backend.js';

/** A Service named `name` whose endpoints are the given backends (one slice each: ports differ). */
export function serviceOf(name: string, backends: { address: string; port: number }[], namespace = 'default'): { service: ServiceInfo; slices: SliceInfo[] } {
  return {
    service: { namespace, name, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    slices: backends.map((b, i) => ({ namespace, name: `${name}-${i}`, service: name, ports: [{ name: 'http', port: b.port, protocol: 'TCP' }], endpoints: [{ addresses: [b.address], ready: true }] })),
  };
}

export function stateOf(parts: Partial<ClusterState> & { svcs?: { service: ServiceInfo; slices: SliceInfo[] }[] }): ClusterState {
  const svcs = parts.svcs ?? [];
  return {
    ingresses: parts.ingresses ?? [],
    classes: parts.classes ?? [],
    secrets: parts.secrets ?? [],
    services: [...(parts.services ?? []), ...svcs.map((s) => s.service)],
    slices: [...(parts.slices ?? []), ...svcs.flatMap((s) => s.slices)],
  };
}

export interface Harness {
  dp: RunningDataPlane;
  http: string;
  apply(state: ClusterState): CompileProblem[];
  close(): Promise<void>;
}

export async function startHarness(opts: Partial<DataPlaneOptions> = {}): Promise<Harness> {
  const dp = await startDataPlane({ httpListen: '127.0.0.1:0', httpsListen: '127.0.0.1:0', ...opts });
  return {
    dp,
    http: `http://127.0.0.1:${dp.httpPort}`,
    apply(state) {
      const { table, problems } = compileRoutes(state, classPolicy());
      dp.apply(table);
      return problems;
    },
    close: () => dp.close(),
  };
}

export interface CurlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function curl(args: string[]): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '10', ...args], { maxBuffer: 64 * 1024 * 1024, encoding: 'latin1' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** curl -w with the status code on the last line; returns [status, body]. */
export async function curlStatus(args: string[]): Promise<[number, string]> {
  const r = await curl(['-w', '\n%{http_code}', ...args]);
  const i = r.stdout.lastIndexOf('\n');
  return [Number(r.stdout.slice(i + 1)), r.stdout.slice(0, i)];
}

export async function closeAll(backends: EchoBackend[]): Promise<void> {
  await Promise.all(backends.map((b) => b.close()));
}
