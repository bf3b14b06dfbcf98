/**
 * The registry: every read and write of API objects, between the HTTP layer and the store.
 * It applies what kube-apiserver applies on a write (conversion, field validation, defaults,
 * strategy, validation, Service allocation, optimistic concurrency, finalizers, graceful pod
 * deletion) and is synchronous, because the store is: one write at a time, in revision order.
 */
import { alreadyExists, badRequest, conflict, invalid, notFound, forbidden, ApiError, type FieldError } from '../errors.js';
import { apiVersionOf, type ResourceInfo, findResource } from '../resources.js';
import type { KubeObject } from '../types.js';
import type { Store, StoredObject, StoreEvent } from '../../store/types.js';
import { StoreError } from '../../store/errors.js';
import { applyDefaults, validateObject } from '../validation/index.js';
import { ServiceAllocator, type AllocationTx } from './service-allocation.js';
import { collectionPrefix, objectKey, resourcePrefix } from './keys.js';
import { clone, deepEqual, generatedName, newUID, timestamp } from './meta.js';
import { prepareForCreate, prepareForFinalize, prepareForStatusUpdate, prepareForUpdate } from './strategy.js';
import { checkUnknownFields, type FieldValidation } from './field-validation.js';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
  created?: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  /** The object still exists (graceful deletion or finalizers pending). */
  pending: boolean;
  object: KubeObject;
}

export interface RegistryOptions {
  allocator: ServiceAllocator;
  now?: () => Date;
}

const namespaces = findResource('', 'v1', 'namespaces')!;
const services = findResource('', 'v1', 'services')!;

export class Registry {
  readonly allocator: ServiceAllocator;
  private readonly now: () => Date;

  constructor(
    readonly store: Store,
    opts: RegistryOptions,
  ) {
    this.allocator = opts.allocator;
    this.now = opts.now ?? (() => new Date());
    this.allocator.rebuild(this.store.list(resourcePrefix(services)).items.map((i) => i.value));
  }

  // ---------- reads ----------

  get(ri: ResourceInfo, ns: string | undefined, name: string): KubeObject {
    const found = this.store.get(objectKey(ri, ns, name));
    if (!found) throw notFound(ri, name);
    return found.value;
  }

  tryGet(ri: ResourceInfo, ns: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(objectKey(ri, ns, name))?.value;
  }

  list(ri: ResourceInfo, ns: string | undefined): { items: StoredObject[]; rev: number } {
    return this.store.list(collectionPrefix(ri, ns));
  }

  watch(ri: ResourceInfo, ns: string | undefined, fromRev: number, onEvent: (e: StoreEvent) => void) {
    return this.store.watch(collectionPrefix(ri, ns), fromRev, onEvent);
  }

  // ---------- writes ----------

  create(ri: ResourceInfo, ns: string | undefined, body: KubeObject, opts: WriteOptions = {}): WriteResult {
    const obj = clone(body);
    const warnings = this.prepareIncoming(ri, ns, obj, opts);
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = generatedName(meta.generateName);
    if (ri.namespaced) this.requireActiveNamespace(ri, ns!, meta.name ?? '');
    meta.uid = newUID();
    meta.creationTimestamp = timestamp(this.now());
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (ri.resource === 'namespaces') meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': meta.name ?? '' };
    prepareForCreate(ri, obj);
    applyDefaults(ri, obj);
    this.assertValid(ri, obj, validateObject(ri, obj));
    const alloc = this.allocateIfService(ri, obj);
    if (opts.dryRun) {
      if (alloc) this.allocator.rollback(alloc.tx);
      return { object: obj, warnings, created: true };
    }
    try {
      const stored = this.store.create(objectKey(ri, ns, meta.name!), obj);
      return { object: stored.value, warnings, created: true };
    } catch (err) {
      if (alloc) this.allocator.rollback(alloc.tx);
      throw this.translateStoreError(err, ri, meta.name ?? '');
    }
  }

  /**
   * PUT (and the tail of every PATCH). `subresource` 'status' changes only status.
   * A resourceVersion in the body must match the stored one (409 otherwise).
   */
  update(ri: ResourceInfo, ns: string | undefined, name: string, body: KubeObject, opts: WriteOptions & { subresource?: 'status' | 'finalize' } = {}): WriteResult {
    const key = objectKey(ri, ns, name);
    const current = this.store.get(key);
    if (!current) throw notFound(ri, name);
    const obj = clone(body);
    const warnings = this.prepareIncoming(ri, ns, obj, opts);
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    const wantRev = obj.metadata.resourceVersion;
    if (wantRev && wantRev !== String(current.rev)) throw conflict(ri, name);
    const old = current.value;
    // An update that leaves managedFields out keeps the stored ones (server-side apply's
    // ownership must survive ordinary writes); one that sets them replaces them.
    if (obj.metadata.managedFields === undefined && old.metadata.managedFields !== undefined) obj.metadata.managedFields = clone(old.metadata.managedFields);
    if (opts.subresource === 'status') prepareForStatusUpdate(ri, obj, old);
    else if (opts.subresource === 'finalize') prepareForFinalize(obj, old);
    else prepareForUpdate(ri, obj, old);
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    applyDefaults(ri, obj);
    this.assertValid(ri, obj, validateObject(ri, obj, old));
    const alloc = opts.subresource ? undefined : this.allocateIfService(ri, obj, old);
    if (deepEqual(obj, old)) {
      if (alloc) this.allocator.rollback(alloc.tx);
      return { object: old, warnings };
    }
    if (opts.dryRun) {
      if (alloc) this.allocator.rollback(alloc.tx);
      return { object: obj, warnings };
    }
    if (this.finalizedAfterDeletion(ri, obj)) {
      if (alloc) this.allocator.rollback(alloc.tx);
      return { object: this.removeNow(ri, key, current.rev, old), warnings };
    }
    try {
      const stored = this.store.update(key, obj, current.rev);
      if (alloc) this.allocator.commitRelease(alloc.released);
      return { object: stored.value, warnings };
    } catch (err) {
      if (alloc) this.allocator.rollback(alloc.tx);
      throw this.translateStoreError(err, ri, name);
    }
  }

  /** Reads the current object, lets `mutate` produce the new one, and writes it as an update. */
  modify(ri: ResourceInfo, ns: string | undefined, name: string, mutate: (current: KubeObject) => KubeObject, opts: WriteOptions & { subresource?: 'status' } = {}): WriteResult {
    const current = this.get(ri, ns, name);
    const next = mutate(clone(current));
    return this.update(ri, ns, name, next, opts);
  }

  delete(ri: ResourceInfo, ns: string | undefined, name: string, opts: DeleteOptions = {}): DeleteResult {
    const key = objectKey(ri, ns, name);
    const current = this.store.get(key);
    if (!current) throw notFound(ri, name);
    const old = current.value;
    this.checkPreconditions(ri, name, old, opts.preconditions);
    const obj = clone(old);
    const meta = obj.metadata;
    const finalizers = new Set(meta.finalizers ?? []);
    if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
    if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');
    if (ri.resource === 'namespaces') return this.beginNamespaceDeletion(key, current, obj, opts);
    const grace = this.gracePeriod(ri, obj, opts);
    if (finalizers.size === 0 && grace === 0) {
      if (opts.dryRun) return { pending: false, object: old };
      return { pending: false, object: this.removeNow(ri, key, current.rev, old) };
    }
    if (finalizers.size) meta.finalizers = [...finalizers];
    if (!meta.deletionTimestamp || grace < (meta.deletionGracePeriodSeconds ?? Infinity)) {
      meta.deletionTimestamp = timestamp(new Date(this.now().getTime() + grace * 1000));
      meta.deletionGracePeriodSeconds = grace;
    }
    if (ri.tracksGeneration && old.metadata.deletionTimestamp === undefined) meta.generation = (meta.generation ?? 1) + 1;
    if (deepEqual(obj, old) || opts.dryRun) return { pending: true, object: opts.dryRun ? obj : old };
    const stored = this.store.update(key, obj, current.rev);
    return { pending: true, object: stored.value };
  }

  // ---------- helpers ----------

  /** apiVersion/kind, namespace and unknown-field checks shared by create and update. */
  private prepareIncoming(ri: ResourceInfo, ns: string | undefined, obj: KubeObject, opts: WriteOptions): string[] {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw badRequest('the body of the request was not a JSON object');
    const want = apiVersionOf(ri);
    if (obj.apiVersion === undefined) obj.apiVersion = want;
    if (obj.kind === undefined) obj.kind = ri.kind;
    if (obj.kind !== ri.kind) throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${ri.kind})`);
    if (obj.apiVersion !== want) throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
    if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) throw badRequest(`${ri.kind} in version "${ri.version}" cannot be handled as a ${ri.kind}: metadata must be an object`);
    const warnings = checkUnknownFields(ri, obj, opts.fieldValidation ?? 'Warn');
    if (ri.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = ns;
    } else {
      delete obj.metadata.namespace;
    }
    return warnings;
  }

  private requireActiveNamespace(ri: ResourceInfo, ns: string, name: string): void {
    const nsObj = this.store.get(objectKey(namespaces, undefined, ns))?.value;
    if (!nsObj) throw notFound(namespaces, ns);
    if (nsObj.metadata.deletionTimestamp) {
      throw forbidden(ri, name, `unable to create new content in namespace ${ns} because it is being terminated`);
    }
  }

  private assertValid(ri: ResourceInfo, obj: KubeObject, errors: FieldError[]): void {
    if (errors.length) throw invalid(ri.kind, ri.group, obj.metadata.name ?? '', errors);
  }

  private allocateIfService(ri: ResourceInfo, obj: KubeObject, old?: KubeObject): { tx: AllocationTx; released: AllocationTx } | undefined {
    if (ri !== services) return undefined;
    const { errors, tx, released } = this.allocator.allocate(obj, old);
    if (errors.length) throw invalid(ri.kind, ri.group, obj.metadata.name ?? '', errors);
    return { tx, released };
  }

  private checkPreconditions(ri: ResourceInfo, name: string, obj: KubeObject, pre: DeleteOptions['preconditions']): void {
    if (pre?.uid && pre.uid !== obj.metadata.uid) {
      throw conflict(ri, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
      throw conflict(ri, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
    }
  }

  /**
   * Pods bound to a node get their grace period (the kubelet finishes the deletion); unbound or
   * finished pods go at once, as upstream's pod strategy decides. Other kinds have no grace period.
   */
  private gracePeriod(ri: ResourceInfo, obj: KubeObject, opts: DeleteOptions): number {
    if (ri.resource !== 'pods') return 0;
    const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
    const phase = (obj.status as { phase?: string } | undefined)?.phase;
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    const requested = opts.gracePeriodSeconds ?? obj.metadata.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, requested);
  }

  private beginNamespaceDeletion(key: string, current: StoredObject, obj: KubeObject, opts: DeleteOptions): DeleteResult {
    if (!obj.metadata.deletionTimestamp) obj.metadata.deletionTimestamp = timestamp(this.now());
    obj.status = { ...((obj.status as object) ?? {}), phase: 'Terminating' };
    const spec = (obj.spec ?? {}) as { finalizers?: string[] };
    if ((spec.finalizers ?? []).length === 0 && (obj.metadata.finalizers ?? []).length === 0) {
      if (opts.dryRun) return { pending: false, object: current.value };
      return { pending: false, object: this.removeNow(namespaces, key, current.rev, current.value) };
    }
    if (opts.dryRun || deepEqual(obj, current.value)) return { pending: true, object: current.value };
    return { pending: true, object: this.store.update(key, obj, current.rev).value };
  }

  /** An object being deleted goes away once its finalizers are gone (and, for pods, its grace period is 0). */
  private finalizedAfterDeletion(ri: ResourceInfo, obj: KubeObject): boolean {
    if (!obj.metadata.deletionTimestamp || (obj.metadata.finalizers ?? []).length > 0) return false;
    if (ri.resource === 'namespaces') return ((obj.spec as { finalizers?: string[] })?.finalizers ?? []).length === 0;
    if (ri.resource === 'pods') return obj.metadata.deletionGracePeriodSeconds === 0;
    return true;
  }

  private removeNow(ri: ResourceInfo, key: string, rev: number, old: KubeObject): KubeObject {
    const gone = this.store.delete(key, rev);
    if (ri === services) this.allocator.releaseService(old);
    return gone.value;
  }

  /** Pod deletion by its node once containers are gone: a delete with grace 0. */
  finishPodDeletion(ri: ResourceInfo, ns: string, name: string): void {
    this.delete(ri, ns, name, { gracePeriodSeconds: 0 });
  }

  private translateStoreError(err: unknown, ri: ResourceInfo, name: string): unknown {
    if (err instanceof StoreError) {
      if (err.code === 'KeyExists') return alreadyExists(ri, name);
      if (err.code === 'KeyNotFound') return notFound(ri, name);
      if (err.code === 'RevisionMismatch') return conflict(ri, name);
    }
    if (err instanceof ApiError) return err;
    return err;
  }
}
