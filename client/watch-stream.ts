/**
 * Reads a watch response: one JSON event per line (kube-api.md §5.3). ERROR events are handed on
 * like the others; the caller decides what a 410 means for it.
 */
import type { IncomingMessage } from 'node:http';
import type { Status } from '../api/errors.js';
import { isPlainObject, type KubeObject } from '../api/types.js';
import { SvcnetError } from '../common/errors.js';
import { LineSplitter } from './line-splitter.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export type WatchEvent<T extends KubeObject = KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: T }
  | { type: 'ERROR'; object: Status };

const eventTypes = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export function parseWatchEvent<T extends KubeObject>(line: string): WatchEvent<T> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    throw new SvcnetError('WatchDecodeError', `client: watch event is not JSON: ${line.slice(0, 200)}`, { cause: err });
  }
  if (!isPlainObject(v) || typeof v.type !== 'string' || !eventTypes.has(v.type) || !isPlainObject(v.object)) {
    throw new SvcnetError('WatchDecodeError', `client: not a watch event: ${line.slice(0, 200)}`);
  }
  return v as unknown as WatchEvent<T>;
}

/**
 * Delivers each event of the stream to `onEvent` and resolves when the server ends the stream.
 * A malformed line or a broken connection rejects (and destroys the response).
 */
export function readWatchStream<T extends KubeObject>(res: IncomingMessage, onEvent: (e: WatchEvent<T>) => void): Promise<void> {
  const splitter = new LineSplitter();
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => {
      res.destroy();
      reject(err);
    };
    const deliver = (line: string) => onEvent(parseWatchEvent<T>(line));
    res.on('data', (chunk: Buffer) => {
      try {
        for (const line of splitter.push(chunk)) deliver(line);
      } catch (err) {
        fail(err);
      }
    });
    res.on('end', () => {
      try {
        const last = splitter.flush();
        if (last) deliver(last);
        resolve();
      } catch (err) {
        fail(err);
      }
    });
    res.on('error', reject);
    // An abort after the headers arrived ends the stream without 'end' or 'error' on older Nodes.
    res.on('close', () => {
      if (!res.complete) reject(new SvcnetError('WatchInterrupted', 'client: watch connection closed before the stream ended'));
    });
  });
}
