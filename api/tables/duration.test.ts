import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanDuration, timeSince } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

test('humanDuration: the examples from the API reference', () => {
  const cases: [number, string][] = [
    [45 * s, '45s'],
    [2 * m + 5 * s, '2m5s'],
    [2 * m, '2m'],
    [15 * m, '15m'],
    [3 * h + 5 * m, '3h5m'],
    [10 * h, '10h'],
    [3 * d + 4 * h, '3d4h'],
    [12 * d, '12d'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('humanDuration: apimachinery boundary cases', () => {
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'],
    [-2 * s + 1, '0s'],
    [0, '0s'],
    [s - 1, '0s'],
    [70 * s, '70s'],
    [2 * m - 1, '119s'],
    [2 * m + s, '2m1s'],
    [190 * s, '3m10s'],
    [10 * m - 1, '9m59s'],
    [10 * m + s, '10m'],
    [3 * h - 1, '179m'],
    [3 * h, '3h'],
    [3 * h + m, '3h1m'],
    [8 * h - 1, '7h59m'],
    [8 * h + 59 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [49 * h, '2d1h'],
    [8 * d - 1, '7d23h'],
    [8 * d + 23 * h, '8d'],
    [367 * d, '367d'],
    [2 * y - 1, '729d'],
    [2 * y, '2y'],
    [2 * y + d - 1, '2y'],
    [2 * y + 25 * h, '2y1d'],
    [8 * y - 1, '7y364d'],
    [8 * y + 364 * d, '8y'],
    [9 * y, '9y'],
    [Number.NaN, '<invalid>'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('timeSince: absent, zero and unparsable timestamps are <unknown>', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(timeSince('2024-05-01T11:55:00Z', now), '5m');
  assert.equal(timeSince(undefined, now), '<unknown>');
  assert.equal(timeSince(null, now), '<unknown>');
  assert.equal(timeSince('0001-01-01T00:00:00Z', now), '<unknown>');
  assert.equal(timeSince('yesterday-ish', now), '<unknown>');
  assert.equal(timeSince('2024-05-01T12:00:05Z', now), '<invalid>');
});
