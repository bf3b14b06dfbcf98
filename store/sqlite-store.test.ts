import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../api/types.js';
import { setLogSink } from '../common/log.js';
import { openSqliteStore, StoreError } from './sqlite-store.js';
import type { Store, StoreEvent } from './types.js';

const svcPrefix = '/registry/services/default/';

function svc(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80 }] }, ...extra };
}

function withStore(fn: (s: Store) => void, options = {}): void {
  const s = openSqliteStore(':memory:', options);
  try {
    fn(s);
  } finally {
    s.close();
  }
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'svcnet-store-'));
}

function collect(s: Store, prefix: string, fromRev: number): { events: StoreEvent[]; close(): void } {
  const events: StoreEvent[] = [];
  const w = s.watch(prefix, fromRev, (e) => events.push(e));
  return { events, close: () => w.close() };
}

function assertStoreError(code: string, fn: () => unknown): StoreError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof StoreError, `expected StoreError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  return caught;
}

test('create stamps the next revision and get returns it', () => {
  withStore((s) => {
    assert.equal(s.currentRevision(), 0);
    const a = s.create(svcPrefix + 'a', svc('a'));
    const b = s.create(svcPrefix + 'b', svc('b'));
    assert.deepEqual([a.rev, a.createRev, b.rev, b.createRev], [1, 1, 2, 2]);
    assert.equal(b.value.metadata.resourceVersion, '2');
    assert.equal(s.currentRevision(), 2);
    assert.deepEqual(s.get(svcPrefix + 'a'), a);
    assert.equal(s.get(svcPrefix + 'missing'), undefined);
  });
});

test('create copies the input and hands out frozen values', () => {
  withStore((s) => {
    const input = svc('a');
    const stored = s.create(svcPrefix + 'a', input);
    assert.equal(input.metadata.resourceVersion, undefined, 'caller object not stamped');
    (input.spec as { ports: unknown[] }).ports.push({ port: 81 });
    assert.deepEqual(s.get(svcPrefix + 'a')!.value.spec, { ports: [{ port: 80 }] });
    assert.throws(() => {
      (stored.value.metadata as { name: string }).name = 'changed';
    }, TypeError);
  });
});

test('create of an existing key fails with KeyExists and consumes no revision', () => {
  withStore((s) => {
    s.create(svcPrefix + 'a', svc('a'));
    const err = assertStoreError('KeyExists', () => s.create(svcPrefix + 'a', svc('a')));
    assert.equal(err.key, svcPrefix + 'a');
    assert.equal(s.currentRevision(), 1);
  });
});

test('update keeps createRev, checks expectedRev and reports the current rev on mismatch', () => {
  withStore((s) => {
    s.create(svcPrefix + 'a', svc('a'));
    s.create(svcPrefix + 'b', svc('b'));
    const u = s.update(svcPrefix + 'a', svc('a', { spec: { ports: [{ port: 8080 }] } }), 1);
    assert.deepEqual([u.rev, u.createRev, u.value.metadata.resourceVersion], [3, 1, '3']);
    const err = assertStoreError('RevisionMismatch', () => s.update(svcPrefix + 'a', svc('a'), 1));
    assert.equal(err.currentRev, 3);
    assert.equal(s.currentRevision(), 3);
    const unconditional = s.update(svcPrefix + 'a', svc('a'));
    assert.equal(unconditional.rev, 4);
    assertStoreError('KeyNotFound', () => s.update(svcPrefix + 'nope', svc('nope')));
  });
});

test('delete returns the last value stamped with the deletion revision', () => {
  withStore((s) => {
    s.create(svcPrefix + 'a', svc('a'));
    assertStoreError('RevisionMismatch', () => s.delete(svcPrefix + 'a', 7));
    const d = s.delete(svcPrefix + 'a', 1);
    assert.deepEqual([d.rev, d.createRev, d.value.metadata.resourceVersion, d.value.metadata.name], [2, 1, '2', 'a']);
    assert.equal(s.get(svcPrefix + 'a'), undefined);
    assertStoreError('KeyNotFound', () => s.delete(svcPrefix + 'a'));
    const again = s.create(svcPrefix + 'a', svc('a'));
    assert.deepEqual([again.rev, again.createRev], [3, 3]);
  });
});

test('list returns keys under the prefix only, sorted, at the current revision', () => {
  withStore((s) => {
    const keys = [
      svcPrefix + 'zeta',
      '/registry/services/default2/x',
      svcPrefix + 'alpha',
      '/registry/servicesx/default/y',
      '/registry/services/defaul/short',
      svcPrefix + 'mid',
      '/registry/pods/default/alpha',
    ];
    for (const k of keys) s.create(k, svc(k.split('/').pop()!));
    s.delete(svcPrefix + 'mid');
    const res = s.list(svcPrefix);
    assert.deepEqual(res.items.map((o) => o.key), [svcPrefix + 'alpha', svcPrefix + 'zeta']);
    assert.equal(res.rev, 8);
    assert.deepEqual(
      s.list('/registry/services/').items.map((o) => o.key),
      ['/registry/services/defaul/short', svcPrefix + 'alpha', svcPrefix + 'zeta', '/registry/services/default2/x'],
    );
    assert.equal(s.list('/registry/nothing/').items.length, 0);
  });
});

test('watch from 0 replays all history in order, then live events under the prefix', () => {
  withStore((s) => {
    s.create(svcPrefix + 'a', svc('a'));
    s.create('/registry/pods/default/p', svc('p'));
    s.update(svcPrefix + 'a', svc('a', { spec: {} }));
    const w = collect(s, svcPrefix, 0);
    assert.deepEqual(w.events.map((e) => [e.type, e.rev]), [['ADDED', 1], ['MODIFIED', 3]]);
    s.create('/registry/services/default2/x', svc('x'));
    s.delete(svcPrefix + 'a');
    assert.deepEqual(w.events.map((e) => [e.type, e.rev]), [['ADDED', 1], ['MODIFIED', 3], ['DELETED', 5]]);
    w.close();
  });
});

test('watch from a middle revision and from the current revision', () => {
  withStore((s) => {
    for (const n of ['a', 'b', 'c']) s.create(svcPrefix + n, svc(n));
    const mid = collect(s, svcPrefix, 1);
    assert.deepEqual(mid.events.map((e) => e.key), [svcPrefix + 'b', svcPrefix + 'c']);
    const now = collect(s, svcPrefix, s.currentRevision());
    assert.equal(now.events.length, 0);
    s.create(svcPrefix + 'd', svc('d'));
    assert.deepEqual(now.events.map((e) => [e.type, e.key, e.rev]), [['ADDED', svcPrefix + 'd', 4]]);
    assert.equal(mid.events.length, 3);
  });
});

test('watch from a revision beyond the current one waits for writes after it', () => {
  withStore((s) => {
    s.create(svcPrefix + 'a', svc('a'));
    const ahead = collect(s, svcPrefix, 2);
    s.create(svcPrefix + 'b', svc('b'));
    s.create(svcPrefix + 'c', svc('c'));
    assert.deepEqual(ahead.events.map((e) => e.rev), [3]);
    assert.throws(() => s.watch(svcPrefix, Number.NaN, () => {}), RangeError);
    assert.throws(() => s.watch(svcPrefix, -1, () => {}), RangeError);
  });
});

test('MODIFIED and DELETED events carry prev; DELETED value has the deletion revision', () => {
  withStore((s) => {
    const w = collect(s, svcPrefix, 0);
    s.create(svcPrefix + 'a', svc('a', { spec: { v: 1 } }));
    s.update(svcPrefix + 'a', svc('a', { spec: { v: 2 } }));
    s.delete(svcPrefix + 'a');
    const [added, modified, deleted] = w.events;
    assert.equal(added.prev, undefined);
    assert.deepEqual(modified.prev?.spec, { v: 1 });
    assert.equal(modified.prev?.metadata.resourceVersion, '1');
    assert.deepEqual(deleted.value.spec, { v: 2 });
    assert.equal(deleted.value.metadata.resourceVersion, '3');
    assert.equal(deleted.prev?.metadata.resourceVersion, '2');
    // The same from history (the ring) as live.
    assert.deepEqual(collect(s, svcPrefix, 0).events, w.events);
  });
});

test('history replay from SQLite equals replay from the in-memory ring', () => {
  withStore(
    (s) => {
      for (let i = 0; i < 10; i++) s.create(svcPrefix + `o${i}`, svc(`o${i}`));
      s.update(svcPrefix + 'o1', svc('o1', { spec: { v: 2 } }));
      s.delete(svcPrefix + 'o2');
      s.create('/registry/pods/default/p', svc('p'));
      const fromSql = collect(s, svcPrefix, 0).events; // ring holds 3 events, so this reads SQLite
      const fromRing = collect(s, svcPrefix, 10).events; // ring holds revs 11..13
      assert.equal(fromSql.length, 12);
      assert.deepEqual(fromSql.map((e) => e.rev), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      assert.deepEqual(fromSql.slice(10), fromRing);
      assert.equal(fromSql[11].type, 'DELETED');
      assert.equal(fromSql[11].prev?.metadata.name, 'o2');
    },
    { ringSize: 3 },
  );
});

test('closing a watcher stops delivery; a throwing callback harms no one', () => {
  withStore((s) => {
    setLogSink(() => {});
    try {
      const thrower = s.watch(svcPrefix, 0, () => {
        throw new Error('boom');
      });
      const w = collect(s, svcPrefix, 0);
      s.create(svcPrefix + 'a', svc('a'));
      w.close();
      s.create(svcPrefix + 'b', svc('b'));
      assert.deepEqual(w.events.map((e) => e.rev), [1]);
      assert.equal(s.get(svcPrefix + 'b')?.rev, 2);
      thrower.close();
    } finally {
      setLogSink((line) => process.stderr.write(line + '\n'));
    }
  });
});

test('writes made inside a callback reach every watcher in revision order', () => {
  withStore((s) => {
    const first = s.watch(svcPrefix, 0, (e) => {
      if (e.key === svcPrefix + 'a' && e.type === 'ADDED') s.create(svcPrefix + 'echo', svc('echo'));
    });
    const second = collect(s, svcPrefix, 0);
    s.create(svcPrefix + 'a', svc('a'));
    assert.deepEqual(second.events.map((e) => e.rev), [1, 2]);
    // A watch opened from a callback sees history then live events, no gap or duplicate.
    let inner: ReturnType<typeof collect> | undefined;
    const opener = s.watch(svcPrefix, s.currentRevision(), () => {
      inner ??= collect(s, svcPrefix, 0);
    });
    s.create(svcPrefix + 'b', svc('b'));
    s.create(svcPrefix + 'c', svc('c'));
    assert.deepEqual(inner?.events.map((e) => e.rev), [1, 2, 3, 4]);
    first.close();
    opener.close();
  });
});

test('compact drops history: older watches get Compacted with both revisions', () => {
  withStore((s) => {
    for (const n of ['a', 'b', 'c', 'd']) s.create(svcPrefix + n, svc(n));
    s.compact(2);
    assert.equal(s.compactedRevision(), 2);
    const err = assertStoreError('Compacted', () => s.watch(svcPrefix, 1, () => {}));
    assert.deepEqual([err.requestedRev, err.compactedRev], [1, 2]);
    assert.equal(err.message, 'too old resource version: 1 (2)');
    assert.deepEqual(collect(s, svcPrefix, 2).events.map((e) => e.rev), [3, 4]);
    s.compact(1); // never goes back
    assert.equal(s.compactedRevision(), 2);
    s.compact(99); // clamped to the current revision
    assert.equal(s.compactedRevision(), 4);
    assert.equal(s.list(svcPrefix).items.length, 4, 'compaction keeps current objects');
  });
});

test('automatic compaction keeps at most historyLimit events', () => {
  withStore(
    (s) => {
      for (let i = 0; i < 95; i++) s.create(svcPrefix + `o${i}`, svc(`o${i}`));
      const retained = s.currentRevision() - s.compactedRevision();
      assert.ok(retained <= 20 && retained >= 18, `retained ${retained}`);
      assertStoreError('Compacted', () => s.watch(svcPrefix, 0, () => {}));
      const w = collect(s, svcPrefix, s.compactedRevision());
      assert.equal(w.events.length, retained);
      assert.equal(w.events.at(-1)?.rev, 95);
    },
    { historyLimit: 20 },
  );
});

test('a reopened file store has the same objects, revision and compacted revision', () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'store.db');
    const s = openSqliteStore(path);
    s.create(svcPrefix + 'a', svc('a'));
    s.create(svcPrefix + 'b', svc('b'));
    s.update(svcPrefix + 'a', svc('a', { spec: { v: 2 } }));
    s.create(svcPrefix + 'c', svc('c'));
    s.compact(2);
    s.delete(svcPrefix + 'c'); // the newest revision belongs to no live object
    const before = s.list('/registry/');
    s.close();
    s.close(); // idempotent

    const r = openSqliteStore(path);
    try {
      assert.equal(r.currentRevision(), 5);
      assert.equal(r.compactedRevision(), 2);
      assert.deepEqual(r.list('/registry/'), before);
      assert.deepEqual(collect(r, svcPrefix, 2).events.map((e) => [e.type, e.rev]), [['MODIFIED', 3], ['ADDED', 4], ['DELETED', 5]]);
      assertStoreError('Compacted', () => r.watch(svcPrefix, 1, () => {}));
      assert.equal(r.create(svcPrefix + 'd', svc('d')).rev, 6);
      r.compact(6);
    } finally {
      r.close();
    }
    // After compacting everything and deleting nothing, the counter still survives a reopen.
    const again = openSqliteStore(path);
    try {
      assert.equal(again.currentRevision(), 6);
      assert.equal(again.delete(svcPrefix + 'd').rev, 7);
    } finally {
      again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second open of the same file fails while the first holds it', () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'store.db');
    const s = openSqliteStore(path);
    assert.throws(() => openSqliteStore(path, { lockTimeoutMs: 0 }), /locked/);
    s.close();
    openSqliteStore(path, { lockTimeoutMs: 0 }).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a closed store refuses operations with Closed', () => {
  const s = openSqliteStore(':memory:');
  const events: StoreEvent[] = [];
  s.watch('/', 0, (e) => events.push(e));
  s.close();
  assertStoreError('Closed', () => s.create(svcPrefix + 'a', svc('a')));
  assertStoreError('Closed', () => s.list(svcPrefix));
  assertStoreError('Closed', () => s.watch(svcPrefix, 0, () => {}));
  assert.equal(events.length, 0);
});
