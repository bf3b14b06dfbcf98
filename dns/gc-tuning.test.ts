/** tuneGcForDns: the young generation stops growing once it is applied (see gc-tuning.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** New-space size before and after keeping ~2 million young objects alive, in a fresh process. */
function newSpaceGrowth(tune: boolean): { before: number; after: number } {
  const fromSource = import.meta.url.endsWith('.ts');
  const mod = fileURLToPath(new URL(`gc-tuning.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  const script = `
    const v8 = await import('node:v8');
    if (${tune}) (await import(${JSON.stringify(mod)})).tuneGcForDns();
    const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const before = size();
    const keep = [];
    for (let i = 0; i < 2e6; i++) keep.push({ i });
    console.log(JSON.stringify({ before, after: size() }));`;
  const r = spawnSync(process.execPath, [...(fromSource ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

// V8 still takes one step (1 -> 2 MiB from a fresh start, as with --max-semi-space-size=1);
// untouched, it grows to 32 MiB.
test('without the tuning the young generation grows many times over under surviving allocations', () => {
  const { before, after } = newSpaceGrowth(false);
  assert.ok(after > 2 * before, `${before} -> ${after}`);
});

test('tuneGcForDns keeps the young generation within one growth step of its size', () => {
  const { before, after } = newSpaceGrowth(true);
  assert.ok(after <= 2 * before, `${before} -> ${after}`);
});
