/**
 * The SQLite side of the store: schema, pragmas and prepared statements. Knows rows and JSON
 * text only; the in-memory index and watch logic live in sqlite-store.ts.
 *
 * Tables:
 *   objects(key PK, rev, create_rev, value)  — the current value of every live key
 *   events(rev PK, key, type, value, prev)   — the change log watches replay; one row per revision
 *   meta(name PK, value)                     — current_rev and compacted_rev, so revisions never
 *                                              go backwards even after deletes and compaction
 * An object change, its event row and the new current_rev are written in one transaction.
 */
import Database from 'better-sqlite3';
import type { StoreEventType } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS objects (
  key TEXT PRIMARY KEY,
  rev INTEGER NOT NULL,
  create_rev INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  rev INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  prev TEXT
);
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', 1), ('current_rev', 0), ('compacted_rev', 0);
`;

export interface ObjectRow {
  key: string;
  rev: number;
  create_rev: number;
  value: string;
}

export interface EventRow {
  rev: number;
  key: string;
  type: StoreEventType;
  value: string;
  prev: string | null;
}

/** One committed change: the object row to write (or delete) and its event. */
export interface Change {
  type: StoreEventType;
  key: string;
  rev: number;
  createRev: number;
  valueJson: string;
  prevJson: string | null;
}

export interface SqliteLogOptions {
  /**
   * 'NORMAL' (default): in WAL mode a commit is written to the WAL file before the call returns
   * but not fsynced, so it survives a crash or kill -9 of the process (the OS holds the data) but
   * not power loss or a kernel crash. 'FULL' fsyncs every commit and survives those too, at a
   * large cost per write.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long to wait for another process holding the database; default 5000 ms. */
  lockTimeoutMs?: number;
}

export class SqliteLog {
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly commitTx: (c: Change) => void;
  private readonly compactTx: (rev: number) => void;

  constructor(path: string, options: SqliteLogOptions = {}) {
    this.db = new Database(path, { timeout: options.lockTimeoutMs ?? 5000 });
    try {
      this.configure(options.synchronous ?? 'NORMAL');
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.stmts = this.prepare();
    this.commitTx = this.db.transaction((c: Change) => this.writeChange(c));
    this.compactTx = this.db.transaction((rev: number) => {
      this.stmts.deleteEventsUpTo.run(rev);
      this.stmts.setMeta.run(rev, 'compacted_rev');
    });
  }

  /**
   * Exclusive locking: the in-memory index assumes this process is the only writer, so a second
   * server on the same file must fail at open instead of silently diverging. The empty
   * exclusive transaction takes (and, in this mode, keeps) the lock right away.
   */
  private configure(synchronous: 'NORMAL' | 'FULL'): void {
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${synchronous}`);
    this.db.exec('BEGIN EXCLUSIVE; COMMIT;');
    this.db.exec(SCHEMA);
  }

  private prepare() {
    const db = this.db;
    return {
      upsertObject: db.prepare(
        'INSERT INTO objects (key, rev, create_rev, value) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET rev = excluded.rev, value = excluded.value',
      ),
      deleteObject: db.prepare('DELETE FROM objects WHERE key = ?'),
      insertEvent: db.prepare('INSERT INTO events (rev, key, type, value, prev) VALUES (?, ?, ?, ?, ?)'),
      setMeta: db.prepare('UPDATE meta SET value = ? WHERE name = ?'),
      getMeta: db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE name = ?'),
      deleteEventsUpTo: db.prepare('DELETE FROM events WHERE rev <= ?'),
      allObjects: db.prepare<[], ObjectRow>('SELECT key, rev, create_rev, value FROM objects'),
      eventsAfter: db.prepare<[number], EventRow>('SELECT rev, key, type, value, prev FROM events WHERE rev > ? ORDER BY rev'),
      // instr(...) = 1 is "starts with" in whole characters, right for any Unicode key.
      eventsAfterUnder: db.prepare<[number, string], EventRow>(
        'SELECT rev, key, type, value, prev FROM events WHERE rev > ? AND instr(key, ?) = 1 ORDER BY rev',
      ),
      maxRevs: db.prepare<[], { e: number | null; o: number | null }>(
        'SELECT (SELECT max(rev) FROM events) AS e, (SELECT max(rev) FROM objects) AS o',
      ),
    };
  }

  private writeChange(c: Change): void {
    if (c.type === 'DELETED') this.stmts.deleteObject.run(c.key);
    else this.stmts.upsertObject.run(c.key, c.rev, c.createRev, c.valueJson);
    this.stmts.insertEvent.run(c.rev, c.key, c.type, c.valueJson, c.prevJson);
    this.stmts.setMeta.run(c.rev, 'current_rev');
  }

  /** Writes the change atomically; when this returns the change is durable (see `synchronous`). */
  commit(c: Change): void {
    this.commitTx(c);
  }

  /** Deletes events at or below `rev` and records `rev` as the compacted revision. */
  compact(rev: number): void {
    this.compactTx(rev);
  }

  /** The highest revision ever written, from the counter and (defensively) from the rows. */
  currentRevision(): number {
    const { e, o } = this.stmts.maxRevs.get()!;
    return Math.max(this.meta('current_rev'), e ?? 0, o ?? 0);
  }

  compactedRevision(): number {
    return this.meta('compacted_rev');
  }

  objects(): IterableIterator<ObjectRow> {
    return this.stmts.allObjects.iterate();
  }

  /** Events with rev > fromRev, in order; only keys starting with `prefix` when one is given. */
  eventsAfter(fromRev: number, prefix = ''): EventRow[] {
    if (prefix === '') return this.stmts.eventsAfter.all(fromRev);
    return this.stmts.eventsAfterUnder.all(fromRev, prefix);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private meta(name: string): number {
    return this.stmts.getMeta.get(name)?.value ?? 0;
  }
}
