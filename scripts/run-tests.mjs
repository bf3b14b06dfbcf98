#!/usr/bin/env node
// Runs every compiled *.test.js under dist/ with Node's own test runner.
// Node 20's `--test` does not expand globs, so the files are listed here.
// TEST_FILTER=substring narrows the run to matching paths.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filter = process.env.TEST_FILTER ?? '';
const files = findTests('dist').filter((f) => f.includes(filter)).sort();
if (files.length === 0) {
  console.error(`no test files under dist/ matching "${filter}"`);
  process.exit(1);
}
// --test-force-exit: a file whose tests have all finished exits even if a handle it leaked would
// keep it alive (otherwise the whole run hangs); --test-timeout: a stuck test fails, not hangs.
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-force-exit', '--test-timeout=600000', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
