/**
 * The store's errors. Callers (the API server) branch on `code` and map them to Status replies:
 * KeyExists → 409 AlreadyExists, KeyNotFound → 404, RevisionMismatch → 409 Conflict,
 * Compacted → 410 Expired ("too old resource version: X (Y)").
 */
import { SvcnetError } from '../common/errors.js';

export type StoreErrorCode = 'KeyExists' | 'KeyNotFound' | 'RevisionMismatch' | 'Compacted' | 'Closed';

export class StoreError extends SvcnetError {
  declare readonly code: StoreErrorCode;
  /** The key the operation was about (absent for Compacted and Closed). */
  readonly key?: string;
  /** RevisionMismatch: the key's current revision (its metadata.resourceVersion). */
  readonly currentRev?: number;
  /** Compacted: the revision the watch asked to start after. */
  readonly requestedRev?: number;
  /** Compacted: the store's compacted revision at that moment. */
  readonly compactedRev?: number;

  private constructor(
    code: StoreErrorCode,
    message: string,
    fields: { key?: string; currentRev?: number; requestedRev?: number; compactedRev?: number } = {},
  ) {
    super(code, message);
    this.name = 'StoreError';
    Object.assign(this, fields);
  }

  static keyExists(key: string): StoreError {
    return new StoreError('KeyExists', `key already exists: ${key}`, { key });
  }

  static keyNotFound(key: string): StoreError {
    return new StoreError('KeyNotFound', `key not found: ${key}`, { key });
  }

  static revisionMismatch(key: string, expectedRev: number, currentRev: number): StoreError {
    return new StoreError('RevisionMismatch', `revision mismatch on ${key}: expected ${expectedRev}, current ${currentRev}`, {
      key,
      currentRev,
    });
  }

  /** Message in the API's words, so it can be passed through to a 410 Status unchanged. */
  static compacted(requestedRev: number, compactedRev: number): StoreError {
    return new StoreError('Compacted', `too old resource version: ${requestedRev} (${compactedRev})`, {
      requestedRev,
      compactedRev,
    });
  }

  static closed(): StoreError {
    return new StoreError('Closed', 'store is closed');
  }
}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}
