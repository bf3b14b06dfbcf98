/**
 * `npm run bench`: runs the benchmarks and writes each one's results to bench/results/<name>.json
 * (and prints them). BENCH=name[,name] picks some; BENCH_SMALL=1 runs reduced sizes.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchApiServer } from './api-server.js';
import { benchWalkthrough } from '../demo/bench.js';

const small = process.env.BENCH_SMALL === '1';
const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  walkthrough: () => benchWalkthrough(),
  'api-server': () => benchApiServer(small ? { services: 1000, slices: 100, endpointsPerSlice: 100, concurrency: 16 } : { services: 10_000, slices: 1000, endpointsPerSlice: 100, concurrency: 16 }),
};

/** The repository root (the nearest folder up with a package.json), from src or from dist. */
function repoRoot(): string {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

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
