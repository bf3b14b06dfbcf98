import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchStore } from './bench.js';

// Shape only: timings vary by machine, so no thresholds here.
test('benchStore reports finite positive measurements', async () => {
  const r = await benchStore(300);
  assert.equal(r.n, 300);
  for (const k of ['createsPerSec', 'listMs', 'getMicros', 'reopenMs'] as const) {
    assert.ok(Number.isFinite(r[k]) && r[k] > 0, `${k} = ${r[k]}`);
  }
});
