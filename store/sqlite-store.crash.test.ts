/**
 * Durability under kill -9: a child process writes in a tight loop and prints each write after
 * it was acknowledged; we SIGKILL it mid-stream, reopen the file and demand every acknowledged
 * write back, exactly, with a consistent event log and revision counter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from './sqlite-store.js';
import type { Store, StoreEvent } from './types.js';
import { crashPrefix, type Ack } from './testing/crash-writer.js';

const ACKS_BEFORE_KILL = 2000;

/** Runs the writer beside this file: the .ts one through tsx, or the compiled .js one as is. */
function writerCommand(dbPath: string): string[] {
  const fromTs = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(`./testing/crash-writer.${fromTs ? 'ts' : 'js'}`, import.meta.url));
  return [...(fromTs ? ['--import', import.meta.resolve('tsx')] : []), script, dbPath, '60'];
}

/** Spawns the writer, SIGKILLs it after enough acks and returns every complete ack line. */
function runAndKill(dbPath: string): Promise<{ acks: Ack[]; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, writerCommand(dbPath), { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: Ack[] = [];
    let partial = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!; // an unterminated line is not an acknowledgement
      for (const line of lines) acks.push(JSON.parse(line) as Ack);
      if (acks.length >= ACKS_BEFORE_KILL && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ acks, signal, stderr }));
  });
}

function allEvents(store: Store, fromRev: number): StoreEvent[] {
  const events: StoreEvent[] = [];
  store.watch('/', fromRev, (e) => events.push(e)).close();
  return events;
}

test('every acknowledged write survives SIGKILL, with a consistent log and counter', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-crash-'));
  try {
    const dbPath = join(dir, 'store.db');
    const { acks, signal, stderr } = await runAndKill(dbPath);
    assert.equal(signal, 'SIGKILL', `writer ended on its own: ${stderr}`);
    assert.ok(acks.length >= ACKS_BEFORE_KILL);
    acks.forEach((a, i) => assert.equal(a.rev, i + 1, 'acks carry contiguous revisions'));
    const lastAcked = acks.length;

    const store = openSqliteStore(dbPath);
    try {
      // The kill may land between a commit and its ack line: at most one unacknowledged write.
      const rev = store.currentRevision();
      assert.ok(rev === lastAcked || rev === lastAcked + 1, `revision ${rev} after ${lastAcked} acks`);
      const events = allEvents(store, 0);
      assert.deepEqual(events.map((e) => e.rev), Array.from({ length: rev }, (_, i) => i + 1), 'log has every revision once');
      for (const a of acks) {
        const e = events[a.rev - 1];
        assert.equal(e.key, a.key);
        assert.equal(e.type, { create: 'ADDED', update: 'MODIFIED', delete: 'DELETED' }[a.op]);
        assert.deepEqual(e.value, a.value);
      }

      const expected = new Map<string, Ack>();
      for (const a of acks) expected.set(a.key, a);
      const unacked = rev > lastAcked ? events[rev - 1].key : undefined;
      for (const [key, a] of expected) {
        if (key === unacked) continue;
        const stored = store.get(key);
        if (a.op === 'delete') assert.equal(stored, undefined, `${key} was deleted`);
        else {
          assert.equal(stored?.rev, a.rev, `${key} rev`);
          assert.deepEqual(stored?.value, a.value);
        }
      }
      const live = [...expected.values()].filter((a) => a.op !== 'delete' && a.key !== unacked).length;
      const listed = store.list(crashPrefix).items.filter((o) => o.key !== unacked).length;
      assert.equal(listed, live, 'no objects beyond the acknowledged ones');

      const next = store.create(crashPrefix + 'after-crash', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-crash' } });
      assert.equal(next.rev, rev + 1);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
