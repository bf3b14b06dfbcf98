/** What the API server prints for kinds without a printer of their own (rest.NewDefaultTableConvertor). */
import { parseTimestamp } from '../duration.js';
import { docColumn, nameColumn, type Printer } from '../types.js';

export const defaultPrinter: Printer = {
  columns: [nameColumn, docColumn('Created At', 'date', 'meta/v1 ObjectMeta.creationTimestamp')],
  cells(o) {
    return [o.metadata.name ?? '', rfc3339(o.metadata.creationTimestamp)];
  },
};

/** Go's `Time.UTC().Format(time.RFC3339)`: second precision, `Z`; the zero time when absent. */
function rfc3339(timestamp: unknown): string {
  const at = parseTimestamp(timestamp);
  if (at === undefined) return '0001-01-01T00:00:00Z';
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
