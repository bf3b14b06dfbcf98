/**
 * ClusterStore: what the controller knows of the cluster, as maps of internal objects by
 * "namespace/name". An object that did not change stays the same object, which is what lets the
 * incremental compiler (incremental.ts) tell changed Ingresses and Services apart by identity.
 * Changes can be recorded and replayed into another store: that is how worker processes follow
 * the main process (workers.ts) without receiving the whole state on every change.
 */
import type { ClusterState } from './model.js';

export type StateKind = 'ingresses' | 'classes' | 'services' | 'slices' | 'secrets' | 'authSecrets';
export type StateItem<K extends StateKind> = NonNullable<ClusterState[K]>[number];

export interface StateChange {
  kind: StateKind;
  key: string;
  /** undefined: deleted. */
  value: StateItem<StateKind> | undefined;
}

const kinds: readonly StateKind[] = ['ingresses', 'classes', 'services', 'slices', 'secrets', 'authSecrets'];

export class ClusterStore {
  readonly #maps = new Map<StateKind, Map<string, StateItem<StateKind>>>(kinds.map((k) => [k, new Map()]));
  /** Latest change per kind+key since the last takeChanges (only when recording). */
  readonly #changes: Map<string, StateChange> | undefined;

  constructor(opts: { recordChanges?: boolean } = {}) {
    this.#changes = opts.recordChanges ? new Map() : undefined;
  }

  static from(state: ClusterState): ClusterStore {
    const store = new ClusterStore();
    for (const kind of kinds) for (const o of state[kind] ?? []) store.set(kind, `${'namespace' in o ? o.namespace : ''}/${o.name}`, o);
    return store;
  }

  get<K extends StateKind>(kind: K, key: string): StateItem<K> | undefined {
    return this.#maps.get(kind)!.get(key) as StateItem<K> | undefined;
  }

  set<K extends StateKind>(kind: K, key: string, value: StateItem<K> | undefined): void {
    const m = this.#maps.get(kind)!;
    if (value) m.set(key, value);
    else if (!m.delete(key)) return;
    this.#changes?.set(`${kind}\0${key}`, { kind, key, value });
  }

  apply(changes: readonly StateChange[]): void {
    for (const c of changes) this.set(c.kind, c.key, c.value);
  }

  takeChanges(): StateChange[] {
    if (!this.#changes) return [];
    const out = [...this.#changes.values()];
    this.#changes.clear();
    return out;
  }

  state(): ClusterState {
    const list = <K extends StateKind>(k: K) => [...this.#maps.get(k)!.values()] as StateItem<K>[];
    return { ingresses: list('ingresses'), classes: list('classes'), services: list('services'), slices: list('slices'), secrets: list('secrets'), authSecrets: list('authSecrets') };
  }
}
