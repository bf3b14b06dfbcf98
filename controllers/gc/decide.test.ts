import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideDeletingOwner, decideDependent, type OwnerState } from './decide.js';

const ref = (uid: string, blockOwnerDeletion = true) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true, blockOwnerDeletion });
const states = (o: Record<string, OwnerState>) => new Map(Object.entries(o));

test('owner gone → the dependent is deleted in the background', () => {
  assert.deepEqual(decideDependent({ ownerReferences: [ref('a')], finalizers: [], hasDependents: false }, states({ a: 'absent' })), { action: 'delete', propagationPolicy: 'Background' });
});

test('owner present → nothing; one of two owners gone → only that reference goes', () => {
  assert.deepEqual(decideDependent({ ownerReferences: [ref('a')], finalizers: [], hasDependents: false }, states({ a: 'present' })), { action: 'none' });
  assert.deepEqual(decideDependent({ ownerReferences: [ref('a'), ref('b')], finalizers: [], hasDependents: false }, states({ a: 'present', b: 'absent' })), { action: 'removeReferences', uids: ['b'] });
});

test('foreground propagates down: a dependent with dependents of its own is deleted in the foreground', () => {
  assert.deepEqual(decideDependent({ ownerReferences: [ref('a')], finalizers: [], hasDependents: true }, states({ a: 'waiting' })), { action: 'delete', propagationPolicy: 'Foreground' });
  assert.deepEqual(decideDependent({ ownerReferences: [ref('a')], finalizers: [], hasDependents: false }, states({ a: 'waiting' })), { action: 'delete', propagationPolicy: 'Background' });
});

test('an owner of an unknown kind blocks any decision', () => {
  assert.deepEqual(decideDependent({ ownerReferences: [ref('a'), ref('b')], finalizers: [], hasDependents: false }, states({ a: 'absent', b: 'unknown' })), { action: 'none' });
});

test('orphan: references go first, then the finalizer', () => {
  assert.deepEqual(decideDeletingOwner(['orphan'], [{ uid: 'p', blocks: true, beingDeleted: false }]), { action: 'orphan', dependents: ['p'] });
  assert.deepEqual(decideDeletingOwner(['orphan', 'foregroundDeletion'], []), { action: 'removeFinalizer', finalizer: 'orphan' });
});

test('foreground: dependents are deleted, the owner waits for blocking ones, then drops its finalizer', () => {
  assert.deepEqual(decideDeletingOwner(['foregroundDeletion'], [{ uid: 'p', blocks: true, beingDeleted: false }]), { action: 'deleteDependents', dependents: ['p'] });
  assert.deepEqual(decideDeletingOwner(['foregroundDeletion'], [{ uid: 'p', blocks: true, beingDeleted: true }]), { action: 'none' });
  assert.deepEqual(decideDeletingOwner(['foregroundDeletion'], [{ uid: 'p', blocks: false, beingDeleted: true }]), { action: 'removeFinalizer', finalizer: 'foregroundDeletion' });
  assert.deepEqual(decideDeletingOwner(['foregroundDeletion'], []), { action: 'removeFinalizer', finalizer: 'foregroundDeletion' });
});
