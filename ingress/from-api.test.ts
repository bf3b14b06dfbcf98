import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authSecretFromApi, secretKeysOnly } from './from-api.js';

test('secretKeysOnly keeps identity and the named keys, drops every other key, label and annotation', () => {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name: 'basic-auth', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { a: 'b' }, annotations: { big: 'x'.repeat(1000) } },
    data: { auth: Buffer.from('user:$apr1$x$y').toString('base64'), other: 'eA==' },
  };
  const kept = secretKeysOnly('auth').apply(secret);
  assert.deepEqual(kept, { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'basic-auth', namespace: 'default', uid: 'u1', resourceVersion: '7' }, data: { auth: secret.data.auth } });
  assert.deepEqual(authSecretFromApi(kept), authSecretFromApi(secret));
  assert.notEqual(secretKeysOnly('auth').name, secretKeysOnly('tls.crt', 'tls.key').name, 'distinct transforms are never shared');
});
