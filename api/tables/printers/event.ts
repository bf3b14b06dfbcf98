/**
 * Core Events. LAST SEEN falls back to the first sighting, and events from the events.k8s.io
 * API (eventTime, series, reportingController) print as well as legacy ones.
 */
import { parseTimestamp, timeSince } from '../duration.js';
import { int, obj, optObj, str, type Obj } from '../fields.js';
import { docColumn, wide, type Printer } from '../types.js';

export const eventPrinter: Printer = {
  columns: [
    docColumn('Last Seen', 'string', 'core/v1 Event.lastTimestamp'),
    docColumn('Type', 'string', 'core/v1 Event.type'),
    docColumn('Reason', 'string', 'core/v1 Event.reason'),
    docColumn('Object', 'string', 'core/v1 Event.involvedObject'),
    docColumn('Subobject', 'string', 'core/v1 ObjectReference.fieldPath', wide),
    docColumn('Source', 'string', 'core/v1 Event.source', wide),
    docColumn('Message', 'string', 'core/v1 Event.message'),
    docColumn('First Seen', 'string', 'core/v1 Event.firstTimestamp', wide),
    docColumn('Count', 'string', 'core/v1 Event.count', wide),
    docColumn('Name', 'string', 'meta/v1 ObjectMeta.name', { ...wide, format: 'name' }),
  ],
  cells(ev, now) {
    const involved = obj(ev, 'involvedObject');
    const series = optObj(ev, 'series');
    const firstSeen = timeSince(isSet(ev.firstTimestamp) ? ev.firstTimestamp : ev.eventTime, now);
    const lastSeen = series ? timeSince(series.lastObservedTime, now) : isSet(ev.lastTimestamp) ? timeSince(ev.lastTimestamp, now) : firstSeen;
    return [
      lastSeen,
      str(ev, 'type'),
      str(ev, 'reason'),
      involvedObjectCell(involved),
      str(involved, 'fieldPath'),
      eventSource(ev),
      str(ev, 'message').trim(),
      firstSeen,
      series ? int(series, 'count') : int(ev, 'count') || 1,
      ev.metadata.name ?? '',
    ];
  },
};

/** A timestamp other than Go's zero time (absent or null in JSON). */
function isSet(timestamp: unknown): boolean {
  return parseTimestamp(timestamp) !== undefined;
}

/** `pod/web-1`, or just `node` when the event names no object. */
function involvedObjectCell(involved: Obj): string {
  const kind = str(involved, 'kind').toLowerCase();
  const name = str(involved, 'name');
  return name ? `${kind}/${name}` : kind;
}

/** `kubelet, node-1`: component and host, each falling back to the newer reporting fields. */
function eventSource(ev: Obj): string {
  const source = obj(ev, 'source');
  const component = str(source, 'component') || str(ev, 'reportingController');
  const instance = str(source, 'host') || str(ev, 'reportingInstance');
  return instance ? `${component}, ${instance}` : component;
}
