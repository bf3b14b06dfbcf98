/**
 * Golden files for renderer output: proxy/testdata/<name>.golden. `UPDATE_GOLDEN=1` rewrites the
 * goldens our own output defines; goldens transcribed from upstream (names starting "upstream-")
 * are never rewritten, so a regression cannot quietly become the new truth.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The source tree's proxy/testdata, whether running from proxy/ (tsx) or dist/proxy/ (tsc). */
export function testdataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('golden: no package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return join(dir, 'proxy', 'testdata');
}

export function readGolden(name: string): string {
  return readFileSync(join(testdataDir(), `${name}.golden`), 'utf8');
}

export function expectGolden(name: string, actual: string): void {
  const path = join(testdataDir(), `${name}.golden`);
  const fromUpstream = name.startsWith('upstream-');
  if (process.env.UPDATE_GOLDEN === '1' && !fromUpstream) writeFileSync(path, actual);
  if (!existsSync(path)) assert.fail(`golden ${name} missing; run with UPDATE_GOLDEN=1 to create it`);
  const expected = readFileSync(path, 'utf8');
  if (actual === expected) return;
  assert.equal(actual, expected, `output differs from golden ${name}:\n${lineDiff(expected, actual)}`);
}

/** A short diff: lines only in expected (-) and only in actual (+). */
export function lineDiff(expected: string, actual: string): string {
  const want = expected.split('\n');
  const got = actual.split('\n');
  const missing = want.filter((l) => !got.includes(l)).map((l) => `- ${l}`);
  const extra = got.filter((l) => !want.includes(l)).map((l) => `+ ${l}`);
  return [...missing, ...extra].join('\n') || '(same lines, different order)';
}
