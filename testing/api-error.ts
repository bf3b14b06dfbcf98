/** Test helper: the ApiError a synchronous API function throws (fails the test if it throws none or another kind). */
import assert from 'node:assert/strict';
import { ApiError } from '../api/errors.js';

export function rejection(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${e}`);
    return e;
  }
  assert.fail('expected a rejection');
}
