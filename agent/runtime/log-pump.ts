/**
 * Why a pump: a container writes straight into raw files (<restart>.stdout / .stderr, opened in
 * append mode), so it keeps running and keeps its output when the agent restarts. The agent turns
 * new raw bytes into CRI records in <restart>.log as they arrive (inotify, plus a slow poll), and
 * remembers how far it got in <restart>.pos so an agent that adopts the container goes on from there.
 */
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readSync, rmSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { formatRecord, type LogStream } from './cri-log.js';

/** Lines longer than this are split into partial records, as containerd does at 16 KiB. */
const maxRecordBytes = 16 * 1024;

export function rawLogPath(logPath: string, stream: LogStream): string {
  return logPath.replace(/\.log$/, `.${stream}`);
}

class StreamReader {
  offset = 0;
  #pending = '';
  constructor(
    readonly path: string,
    readonly stream: LogStream,
  ) {}

  /** New complete records since the last read. */
  read(flush: boolean): string {
    if (!existsSync(this.path)) return '';
    const fd = openSync(this.path, 'r');
    const chunks: Buffer[] = [];
    try {
      const buf = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, this.offset);
        if (n <= 0) break;
        chunks.push(Buffer.from(buf.subarray(0, n)));
        this.offset += n;
      }
    } finally {
      closeSync(fd);
    }
    let text = this.#pending + Buffer.concat(chunks).toString('utf8');
    let out = '';
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      out += this.#records(text.slice(0, nl), false);
      text = text.slice(nl + 1);
    }
    if (text.length > maxRecordBytes || (flush && text.length > 0)) {
      out += this.#records(text, true);
      text = '';
    }
    this.#pending = text;
    return out;
  }

  #records(line: string, partial: boolean): string {
    let out = '';
    while (line.length > maxRecordBytes) {
      out += formatRecord(this.stream, line.slice(0, maxRecordBytes), true);
      line = line.slice(maxRecordBytes);
    }
    return out + formatRecord(this.stream, line, partial);
  }
}

export class LogPump {
  readonly #logPath: string;
  readonly #readers: StreamReader[];
  #watchers: FSWatcher[] = [];
  #stopped = false;
  readonly #listeners = new Set<() => void>();

  constructor(logPath: string) {
    this.#logPath = logPath;
    this.#readers = (['stdout', 'stderr'] as const).map((s) => new StreamReader(rawLogPath(logPath, s), s));
    this.#loadPosition();
  }

  get logPath(): string {
    return this.#logPath;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    for (const r of this.#readers) {
      try {
        this.#watchers.push(watch(r.path, () => this.drain()));
      } catch {
        // the file appears when the container starts; the poll covers it
      }
    }
    this.drain();
  }

  /** Copies new raw output into the CRI log; called by watchers and by the agent's poll. */
  drain(flush = false): void {
    let out = '';
    for (const r of this.#readers) out += r.read(flush);
    if (out) {
      appendFileSync(this.#logPath, out);
      for (const l of this.#listeners) l();
    }
  }

  /** Called after each drain that wrote something (log followers). */
  onAppend(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Final drain after the container exited: partial lines are flushed and the raw files removed. */
  finish(): void {
    if (this.#stopped) return;
    this.drain(true);
    this.#close();
    for (const r of this.#readers) rmSync(r.path, { force: true });
    rmSync(this.#posPath, { force: true });
    for (const l of this.#listeners) l();
  }

  /** Agent shutdown with the container still running: remember where we are. */
  suspend(): void {
    if (this.#stopped) return;
    this.drain();
    writeFileSync(this.#posPath, JSON.stringify(this.#readers.map((r) => r.offset)));
    this.#close();
  }

  #close(): void {
    this.#stopped = true;
    for (const w of this.#watchers) w.close();
    this.#watchers = [];
  }

  get #posPath(): string {
    return this.#logPath.replace(/\.log$/, '.pos');
  }

  #loadPosition(): void {
    if (!existsSync(this.#posPath)) return;
    try {
      const offsets = JSON.parse(readFileSync(this.#posPath, 'utf8')) as number[];
      this.#readers.forEach((r, i) => (r.offset = offsets[i] ?? 0));
    } catch {
      // a torn file: start over (some lines may repeat)
    }
  }
}
