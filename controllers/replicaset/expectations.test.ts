import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Expectations } from './expectations.js';

test('creations are awaited by count, deletions by uid, and old expectations expire', () => {
  let now = 0;
  const e = new Expectations(() => now);
  assert.equal(e.satisfied('ns/rs'), true);
  e.expectCreations('ns/rs', 2);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), true);

  e.expectDeletions('ns/rs', ['a', 'b']);
  e.deletionObserved('ns/rs', 'a');
  // The same pod seen twice (terminating, then gone) must not count for another.
  e.deletionObserved('ns/rs', 'a');
  assert.equal(e.satisfied('ns/rs'), false);
  now += 5 * 60_000 + 1;
  assert.equal(e.satisfied('ns/rs'), true, 'expired');
});

test('a failed create lowers what is awaited', () => {
  const e = new Expectations(() => 0);
  e.expectCreations('k', 4);
  e.creationObserved('k');
  e.lowerCreations('k', 3);
  assert.equal(e.satisfied('k'), true);
});
