/**
 * Garbage collector decisions, pure (garbagecollector.go attemptToDeleteItem and
 * classifyReferences): what to do with a dependent given the state of each of its owners, and
 * what an owner being deleted with a propagation finalizer still waits for.
 */
import type { OwnerReference } from '../../api/types.js';

export const foregroundFinalizer = 'foregroundDeletion';
export const orphanFinalizer = 'orphan';

/**
 * present: the owner exists with the referenced uid. waiting: it exists and is being deleted in
 * the foreground, waiting for its dependents. absent: gone, or replaced by another object with
 * the same name (another uid). unknown: its kind is not served here, so nothing can be decided.
 */
export type OwnerState = 'present' | 'waiting' | 'absent' | 'unknown';

export type DependentAction =
  | { action: 'none' }
  /** Some owners remain: only drop the references to the absent (and foreground-deleting) ones. */
  | { action: 'removeReferences'; uids: string[] }
  | { action: 'delete'; propagationPolicy: 'Background' | 'Foreground' | 'Orphan' };

export interface DependentFacts {
  ownerReferences: readonly OwnerReference[];
  finalizers: readonly string[];
  /** Other objects name this one as their owner. */
  hasDependents: boolean;
}

export function decideDependent(dep: DependentFacts, states: ReadonlyMap<string, OwnerState>): DependentAction {
  const refs = dep.ownerReferences;
  if (refs.length === 0) return { action: 'none' };
  const stateOf = (r: OwnerReference) => states.get(r.uid) ?? 'unknown';
  if (refs.some((r) => stateOf(r) === 'unknown')) return { action: 'none' };
  const solid = refs.filter((r) => stateOf(r) === 'present');
  const dangling = refs.filter((r) => stateOf(r) === 'absent');
  const waiting = refs.filter((r) => stateOf(r) === 'waiting');
  if (solid.length) {
    if (dangling.length === 0 && waiting.length === 0) return { action: 'none' };
    return { action: 'removeReferences', uids: [...dangling, ...waiting].map((r) => r.uid) };
  }
  // Foreground propagates down the chain: a dependent that has its own dependents goes in the foreground too.
  if (waiting.length && dep.hasDependents) return { action: 'delete', propagationPolicy: 'Foreground' };
  if (dep.finalizers.includes(orphanFinalizer)) return { action: 'delete', propagationPolicy: 'Orphan' };
  if (dep.finalizers.includes(foregroundFinalizer)) return { action: 'delete', propagationPolicy: 'Foreground' };
  return { action: 'delete', propagationPolicy: 'Background' };
}

export interface DependentOfOwner {
  uid: string;
  /** Its reference to the owner says blockOwnerDeletion: true. */
  blocks: boolean;
  beingDeleted: boolean;
}

export type OwnerAction =
  | { action: 'none' }
  /** Orphan: strip our reference from these dependents, then drop the orphan finalizer. */
  | { action: 'orphan'; dependents: string[] }
  /** Foreground: delete these dependents (those not already going); the finalizer stays while any blocks. */
  | { action: 'deleteDependents'; dependents: string[] }
  | { action: 'removeFinalizer'; finalizer: string };

/** What an owner being deleted needs next, one finalizer at a time (orphan first). */
export function decideDeletingOwner(finalizers: readonly string[], dependents: readonly DependentOfOwner[]): OwnerAction {
  if (finalizers.includes(orphanFinalizer)) {
    if (dependents.length) return { action: 'orphan', dependents: dependents.map((d) => d.uid) };
    return { action: 'removeFinalizer', finalizer: orphanFinalizer };
  }
  if (finalizers.includes(foregroundFinalizer)) {
    const notYetDeleting = dependents.filter((d) => !d.beingDeleted).map((d) => d.uid);
    if (notYetDeleting.length) return { action: 'deleteDependents', dependents: notYetDeleting };
    if (dependents.some((d) => d.blocks)) return { action: 'none' };
    return { action: 'removeFinalizer', finalizer: foregroundFinalizer };
  }
  return { action: 'none' };
}
