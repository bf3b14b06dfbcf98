/**
 * Child process of the crash test: writes to a file store in a tight loop and prints one JSON
 * line per acknowledged write, only after the store call returned. The parent SIGKILLs it and
 * checks that every printed write survived. Usage: crash-writer <db path> <max seconds>
 *
 * Mix per step i: create o<i>; every 3rd step also update o<i-1>; every 7th also delete o<i-3>
 * (never a key already deleted, never an update of a deleted key).
 */
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { openSqliteStore } from '../sqlite-store.js';
import type { StoredObject } from '../types.js';

export const crashPrefix = '/registry/configmaps/crash/';

export interface Ack {
  op: 'create' | 'update' | 'delete';
  key: string;
  rev: number;
  value: StoredObject['value'];
}

function ack(op: Ack['op'], o: StoredObject): void {
  // writeSync: the line is in the pipe before the next write starts; short lines (< 4 KiB) are atomic.
  writeSync(1, JSON.stringify({ op, key: o.key, rev: o.rev, value: o.value } satisfies Ack) + '\n');
}

function configMap(i: number, version: number) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `o${i}`, namespace: 'crash' }, data: { i: String(i), version: String(version) } };
}

function main(path: string, maxSeconds: number): void {
  const store = openSqliteStore(path);
  const deadline = Date.now() + maxSeconds * 1000;
  for (let i = 0; Date.now() < deadline; i++) {
    ack('create', store.create(crashPrefix + `o${i}`, configMap(i, 1)));
    if (i % 3 === 2) ack('update', store.update(crashPrefix + `o${i - 1}`, configMap(i - 1, 2)));
    if (i % 7 === 6) ack('delete', store.delete(crashPrefix + `o${i - 3}`));
  }
  store.close();
}

// Only when run as a script: the test imports this module for its types and prefix.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv[2], Number(process.argv[3] ?? 30));
