/**
 * Micro-benchmark of the store, for the project bench runner: creates/second of small objects
 * into a file-backed store (WAL, synchronous=NORMAL, the production settings), then the latency
 * of listing all of them by prefix, of a point get, and of reopening (loading the index).
 * Run alone: node --import tsx store/bench.ts [n]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { KubeObject } from '../api/types.js';
import { openSqliteStore } from './sqlite-store.js';

export interface StoreBenchResult {
  n: number;
  createsPerSec: number;
  /** Median of several lists of all n objects under one prefix. */
  listMs: number;
  getMicros: number;
  reopenMs: number;
}

const prefix = '/registry/services/bench/';

function service(i: number): KubeObject {
  const name = `svc-${i}`;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'bench', labels: { app: name } },
    spec: { type: 'ClusterIP', selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export async function benchStore(n: number): Promise<StoreBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-store-bench-'));
  const path = join(dir, 'store.db');
  try {
    const store = openSqliteStore(path);
    // Names are not created in key order (svc-10 sorts before svc-2), so inserts exercise the sorted index.
    const createMs = timeMs(() => {
      for (let i = 0; i < n; i++) store.create(prefix + `svc-${i}`, service(i));
    });
    const listRuns = Array.from({ length: 7 }, () => timeMs(() => store.list(prefix)));
    const gets = Math.min(n, 10_000);
    const getMs = timeMs(() => {
      for (let i = 0; i < gets; i++) store.get(prefix + `svc-${(i * 7919) % n}`);
    });
    store.close();
    let reopened = openSqliteStore(':memory:');
    reopened.close();
    const reopenMs = timeMs(() => (reopened = openSqliteStore(path)));
    reopened.close();
    return {
      n,
      createsPerSec: Math.round((n / createMs) * 1000),
      listMs: Number(median(listRuns).toFixed(3)),
      getMicros: Number(((getMs / Math.max(1, gets)) * 1000).toFixed(3)),
      reopenMs: Number(reopenMs.toFixed(1)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchStore(Number(process.argv[2] ?? 10_000))));
}
