/**
 * GET /containerLogs/{ns}/{pod}/{container}?follow&tailLines&timestamps&previous&sinceSeconds&sinceTime&limitBytes
 * Reads the CRI log of the container's current (or previous) run; with follow the response stays
 * open and streams new records until the container stops or the client goes away.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRecord, renderRecord, selectRecords } from '../runtime/cri-log.js';
import type { PodManager } from '../pods/pod-manager.js';
import { sendStatus } from './status.js';

export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  query: URLSearchParams;
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function sinceMsOf(q: URLSearchParams): number | undefined {
  const secs = intParam(q, 'sinceSeconds');
  if (secs !== undefined) return Date.now() - secs * 1000;
  const t = q.get('sinceTime');
  return t ? Date.parse(t) : undefined;
}

function readFrom(path: string, offset: number): { text: string; next: number } {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(64 * 1024);
    let pos = offset;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
      pos += n;
    }
    const all = Buffer.concat(chunks);
    // Only whole records: a record being appended right now is read next time.
    const end = all.lastIndexOf(0x0a) + 1;
    return { text: all.subarray(0, end).toString('utf8'), next: offset + end };
  } finally {
    closeSync(fd);
  }
}

export function serveLogs(pods: PodManager, r: LogRequest, req: IncomingMessage, res: ServerResponse): void {
  const worker = pods.find(r.namespace, r.pod);
  if (!worker || !worker.sandbox) return sendStatus(res, 404, 'NotFound', `pods "${r.pod}" not found`);
  const c = worker.allRunners.find((x) => x.name === r.container);
  if (!c) return sendStatus(res, 400, 'BadRequest', `container ${r.container} is not valid for pod ${r.pod}`);
  const previous = r.query.get('previous') === 'true';
  const restart = previous ? c.record.restartCount - 1 : c.record.restartCount;
  const path = c.logPath(worker.sandbox, restart);
  if (previous && (restart < 0 || !existsSync(path))) return sendStatus(res, 400, 'BadRequest', `previous terminated container "${r.container}" in pod "${r.pod}" not found`);
  if (!existsSync(path)) {
    const reason = c.state.kind === 'waiting' ? c.state.reason : 'ContainerCreating';
    return sendStatus(res, 400, 'BadRequest', `container "${r.container}" in pod "${r.pod}" is waiting to start: ${reason}`);
  }
  const timestamps = r.query.get('timestamps') === 'true';
  let budget = intParam(r.query, 'limitBytes') ?? Infinity;
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  const write = (text: string): boolean => {
    if (budget <= 0) return false;
    const buf = Buffer.from(text);
    res.write(budget < buf.length ? buf.subarray(0, budget) : buf);
    budget -= buf.length;
    return budget > 0;
  };
  const first = readFrom(path, 0);
  const records = selectRecords(first.text, { tailLines: intParam(r.query, 'tailLines'), sinceMs: sinceMsOf(r.query) });
  const more = write(records.map((x) => renderRecord(x, timestamps)).join(''));
  const pump = c.pump;
  const follow = r.query.get('follow') === 'true' && !previous && more && pump && !pump.stopped && pump.logPath === path;
  if (!follow) {
    res.end();
    return;
  }
  let offset = first.next;
  const flush = () => {
    const next = readFrom(path, offset);
    offset = next.next;
    const text = next.text
      .split('\n')
      .map(parseRecord)
      .filter((x) => x !== undefined)
      .map((x) => renderRecord(x!, timestamps))
      .join('');
    const goOn = text ? write(text) : true;
    if (!goOn || pump.stopped) stop();
  };
  const unsubscribe = pump.onAppend(flush);
  const stop = () => {
    unsubscribe();
    res.end();
  };
  req.on('close', unsubscribe);
  // Read the file once more: something may have been appended between the first read and subscribing.
  flush();
}

