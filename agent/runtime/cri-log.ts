/**
 * Container logs in the CRI format (what containerd writes under /var/log/pods):
 *   2024-01-02T03:04:05.123456789Z stdout F one line of output
 * `F` ends a line, `P` is a partial line continued in the next record. Timestamps make
 * `kubectl logs --timestamps/--since` possible; one file per restart makes `--previous` possible.
 */
export type LogStream = 'stdout' | 'stderr';

export interface LogRecord {
  time: string; // RFC 3339 with nanoseconds
  timeMs: number;
  stream: LogStream;
  partial: boolean;
  content: string;
}

let lastNanoStamp = '';
let seq = 0;

/** RFC 3339 with 9 fraction digits; milliseconds from the clock, the rest keeps records ordered. */
export function nanoTimestamp(now = new Date()): string {
  const iso = now.toISOString(); // …T03:04:05.123Z
  const base = iso.slice(0, -1);
  seq = base === lastNanoStamp ? seq + 1 : 0;
  lastNanoStamp = base;
  return `${base}${String(seq).padStart(6, '0').slice(-6)}Z`;
}

export function formatRecord(stream: LogStream, content: string, partial: boolean, time = nanoTimestamp()): string {
  return `${time} ${stream} ${partial ? 'P' : 'F'} ${content}\n`;
}

export function parseRecord(line: string): LogRecord | undefined {
  const m = /^(\S+) (stdout|stderr) ([PF]) (.*)$/s.exec(line);
  if (!m) return undefined;
  return { time: m[1], timeMs: Date.parse(m[1]), stream: m[2] as LogStream, partial: m[3] === 'P', content: m[4] };
}

export interface LogQuery {
  tailLines?: number;
  sinceMs?: number; // absolute time
  timestamps?: boolean;
  limitBytes?: number;
}

/** What a log record looks like to the user: the content, a newline when the line is complete. */
export function renderRecord(r: LogRecord, timestamps: boolean): string {
  return (timestamps ? `${r.time} ` : '') + r.content + (r.partial ? '' : '\n');
}

/** The selected part of a whole log file (kubectl logs without --follow). */
export function selectRecords(text: string, q: LogQuery): LogRecord[] {
  let records = text
    .split('\n')
    .map(parseRecord)
    .filter((r): r is LogRecord => r !== undefined);
  if (q.sinceMs !== undefined) records = records.filter((r) => r.timeMs >= q.sinceMs!);
  if (q.tailLines !== undefined) {
    // Count complete lines from the end: partial records belong to the line that follows them.
    let lines = 0;
    let i = records.length;
    while (i > 0) {
      if (!records[i - 1].partial) {
        if (lines === q.tailLines) break;
        lines++;
      }
      i--;
    }
    records = records.slice(i);
  }
  return records;
}
