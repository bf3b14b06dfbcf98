/**
 * Ages as `kubectl get` prints them: apimachinery's `duration.HumanDuration`, which keeps about
 * two significant figures (`45s`, `2m5s`, `15m`, `3h5m`, `10h`, `3d4h`, `12d`, `2y30d`).
 */

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/** Integer division that truncates toward zero, as Go's `int(a / b)` does on durations. */
function div(a: number, b: number): number {
  return Math.trunc(a / b);
}

/** `ms` is a duration in milliseconds; negative values up to a second count as clock skew. */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '<invalid>';
  const seconds = div(ms, second);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = div(ms, minute);
  if (minutes < 10) return withRemainder(minutes, 'm', seconds % 60, 's');
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = div(ms, hour);
  if (hours < 8) return withRemainder(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = div(hours, 24);
  if (hours < 24 * 8) return withRemainder(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = div(days, 365);
  if (hours < 24 * 365 * 8) return withRemainder(years, 'y', days % 365, 'd');
  return `${years}y`;
}

function withRemainder(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major}${majorUnit}` : `${major}${majorUnit}${minor}${minorUnit}`;
}

/**
 * Time since an RFC 3339 timestamp, the way printers render AGE-like cells. A missing or
 * unparsable timestamp is Go's zero time, which upstream prints as `<unknown>`.
 */
export function timeSince(timestamp: unknown, now: Date): string {
  const at = parseTimestamp(timestamp);
  return at === undefined ? '<unknown>' : humanDuration(now.getTime() - at);
}

/** Go's zero time, which serializes as this when a client sends it explicitly. */
const goZeroTime = Date.parse('0001-01-01T00:00:00Z');

/** Milliseconds since the epoch, or undefined for an absent/zero/unparsable timestamp. */
export function parseTimestamp(timestamp: unknown): number | undefined {
  if (typeof timestamp !== 'string' || timestamp === '') return undefined;
  const at = Date.parse(timestamp);
  return Number.isNaN(at) || at === goZeroTime ? undefined : at;
}
