import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resources } from '../../resources.js';
import { defaultPrinter, printerFor } from './index.js';

test('every served resource has its own printer', () => {
  for (const r of resources) assert.notEqual(printerFor(r), defaultPrinter, r.resource);
});

test('every column is fully described, with exactly one name-formatted column', () => {
  for (const r of resources) {
    const columns = printerFor(r).columns;
    for (const c of columns) {
      assert.ok(c.description.length > 10, `${r.resource} ${c.name}`);
      assert.ok(c.priority === 0 || c.priority === 1, `${r.resource} ${c.name}`);
    }
    assert.equal(columns.filter((c) => c.format === 'name').length, 1, r.resource);
  }
});
