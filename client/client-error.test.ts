import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SvcnetError } from '../common/errors.js';
import { clientErrorFromResponse, isConflict, isExpired, isNotFound } from './client-error.js';

test('a Status body is kept as it is', () => {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'services "web" not found', reason: 'NotFound', details: { name: 'web', kind: 'services' }, code: 404 };
  const err = clientErrorFromResponse(404, JSON.stringify(status));
  assert.ok(err instanceof SvcnetError);
  assert.equal(err.httpCode, 404);
  assert.equal(err.reason, 'NotFound');
  assert.equal(err.code, 'NotFound');
  assert.equal(err.message, 'services "web" not found');
  assert.deepEqual(err.status.details, { name: 'web', kind: 'services' });
  assert.ok(isNotFound(err) && !isConflict(err));
});

test('a body that is not a Status gets a reason from the HTTP code', () => {
  const err = clientErrorFromResponse(503, '<html>bad gateway</html>');
  assert.equal(err.reason, 'ServiceUnavailable');
  assert.equal(err.message, '<html>bad gateway</html>');
  const empty = clientErrorFromResponse(410, '');
  assert.ok(isExpired(empty));
  assert.match(empty.message, /status code 410/);
  assert.equal(clientErrorFromResponse(418, '').reason, 'Unknown');
});
