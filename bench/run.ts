/**
 * `npm run bench`: runs the benchmarks and writes each one's results to bench/results/<name>.json
 * (and prints them). BENCH=name[,name] picks some; BENCH_SMALL=1 runs reduced sizes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../demo/paths.js';
import { benchApiServer } from './api-server.js';
import { benchWalkthrough } from '../demo/bench.js';
import { benchEndpointSlices } from './controllers.js';
import { benchDns } from './dns.js';
import { benchIngress } from './ingress.js';
import { benchProxy } from './proxy.js';
import { benchAgent } from './agent.js';

const small = process.env.BENCH_SMALL === '1';
const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  walkthrough: () => benchWalkthrough(),
  controllers: () => benchEndpointSlices(small ? { services: 100, podsPerService: 10, flips: 200 } : {}),
  dns: () => benchDns(small ? { services: 1000, seconds: 5 } : {}),
  proxy: () => benchProxy(small ? { sizes: [100, 1000] } : {}),
  ingress: () => benchIngress(),
  agent: () => benchAgent(small ? { pods: 20 } : {}),
  'api-server': () => benchApiServer(small ? { services: 1000, slices: 100, endpointsPerSlice: 100, concurrency: 16 } : { services: 10_000, slices: 1000, endpointsPerSlice: 100, concurrency: 16 }),
};

async function main(): Promise<void> {
  const chosen = (process.env.BENCH ?? Object.keys(benches).join(',')).split(',').filter(Boolean);
  const dir = join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  for (const name of chosen) {
    const run = benches[name];
    if (!run) throw new Error(`unknown benchmark ${name}; have: ${Object.keys(benches).join(', ')}`);
    process.stderr.write(`bench ${name}…\n`);
    const result = { name, date: new Date().toISOString(), machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, small, ...(await run()) };
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
