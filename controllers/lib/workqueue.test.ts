import test from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './workqueue.js';

test('a key added many times while queued is processed once', async () => {
  const seen: string[] = [];
  const q = new WorkQueue(async (k) => {
    seen.push(k);
  });
  q.add('a');
  q.add('a');
  q.add('b');
  q.add('a');
  await q.idle();
  assert.deepEqual(seen, ['a', 'b']);
});

test('a key re-added while it is processed runs again afterwards, never concurrently', async () => {
  let active = 0;
  let maxActive = 0;
  let runs = 0;
  const q = new WorkQueue(
    async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs++;
      if (runs === 1) q.add('k');
      await new Promise((r) => setTimeout(r, 10));
      active--;
    },
    { workers: 4 },
  );
  q.add('k');
  await new Promise((r) => setTimeout(r, 60));
  await q.idle();
  assert.equal(runs, 2);
  assert.equal(maxActive, 1);
});

test('failures are retried with back-off until they succeed', async () => {
  let attempts = 0;
  const errors: unknown[] = [];
  const q = new WorkQueue(
    async () => {
      attempts++;
      if (attempts < 3) throw new Error('not yet');
    },
    { baseDelayMs: 1 },
    (_k, e) => errors.push(e),
  );
  q.add('x');
  const start = Date.now();
  while (attempts < 3 && Date.now() - start < 2000) await new Promise((r) => setTimeout(r, 5));
  assert.equal(attempts, 3);
  assert.equal(errors.length, 2);
  q.stop();
});
