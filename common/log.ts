/**
 * Structured logging: one line per event, `level`, `component`, a message and key=values.
 * Values are quoted when they contain spaces. Secrets must never be passed in.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const levelOrder: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
let minLevel: LogLevel = (process.env.SVCNET_LOG_LEVEL as LogLevel) || 'info';
let sink: (line: string) => void = (line) => process.stderr.write(line + '\n');

export function setLogLevel(level: LogLevel): void {
  minLevel = level;
}

/** Redirects log lines (tests use this to keep output quiet or to assert on it). */
export function setLogSink(next: (line: string) => void): void {
  sink = next;
}

function formatValue(v: unknown): string {
  const s = v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v);
  return /[\s"=]/.test(s ?? '') ? JSON.stringify(s) : String(s);
}

export interface Logger {
  debug(msg: string, kv?: Record<string, unknown>): void;
  info(msg: string, kv?: Record<string, unknown>): void;
  warn(msg: string, kv?: Record<string, unknown>): void;
  error(msg: string, kv?: Record<string, unknown>): void;
}

export function logger(component: string): Logger {
  const emit = (level: LogLevel, msg: string, kv?: Record<string, unknown>) => {
    if (levelOrder[level] < levelOrder[minLevel]) return;
    let line = `${new Date().toISOString()} level=${level} component=${component} msg=${formatValue(msg)}`;
    for (const [k, v] of Object.entries(kv ?? {})) line += ` ${k}=${formatValue(v)}`;
    sink(line);
  };
  return {
    debug: (m, kv) => emit('debug', m, kv),
    info: (m, kv) => emit('info', m, kv),
    warn: (m, kv) => emit('warn', m, kv),
    error: (m, kv) => emit('error', m, kv),
  };
}
