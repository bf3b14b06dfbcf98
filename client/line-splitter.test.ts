import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter } from './line-splitter.js';

test('a line split across chunks comes out once, whole', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(Buffer.from('{"type":"ADD')), []);
  assert.deepEqual(s.push(Buffer.from('ED"}\n{"type":"MOD')), ['{"type":"ADDED"}']);
  assert.deepEqual(s.push(Buffer.from('IFIED"}\n')), ['{"type":"MODIFIED"}']);
  assert.equal(s.flush(), '');
});

test('several lines in one chunk, blank lines and CRLF are handled', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('a\n\nb\r\nc'), ['a', 'b']);
  assert.equal(s.flush(), 'c');
});

test('a multi-byte character cut between chunks is decoded intact', () => {
  const bytes = Buffer.from('{"name":"café→"}\n');
  const cut = bytes.indexOf(Buffer.from('→')) + 1; // inside the 3-byte arrow
  const s = new LineSplitter();
  assert.deepEqual(s.push(bytes.subarray(0, cut)), []);
  assert.deepEqual(s.push(bytes.subarray(cut)), ['{"name":"café→"}']);
});

test('byte-at-a-time delivery gives the same lines', () => {
  const text = '{"a":1}\n{"b":"ü"}\n';
  const s = new LineSplitter();
  const out: string[] = [];
  for (const b of Buffer.from(text)) out.push(...s.push(Buffer.from([b])));
  assert.deepEqual(out, ['{"a":1}', '{"b":"ü"}']);
});
