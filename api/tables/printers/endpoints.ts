/**
 * Endpoints and EndpointSlices: the first three addresses (with ports) and how many more, so a
 * Service with hundreds of backends still fits on one line.
 */
import { timeSince } from '../duration.js';
import { int, list, optInt, optStr, str, strings, type Obj } from '../fields.js';
import { ageColumn, docColumn, nameColumn, type Printer } from '../types.js';

const shown = 3;

export const endpointsPrinter: Printer = {
  columns: [nameColumn, docColumn('Endpoints', 'string', 'core/v1 Endpoints.subsets'), ageColumn],
  cells(ep, now) {
    return [ep.metadata.name ?? '', formatEndpoints(list(ep, 'subsets')), timeSince(ep.metadata.creationTimestamp, now)];
  },
};

export const endpointSlicePrinter: Printer = {
  columns: [
    nameColumn,
    docColumn('AddressType', 'string', 'discovery/v1beta1 EndpointSlice.addressType'),
    docColumn('Ports', 'string', 'discovery/v1beta1 EndpointSlice.ports'),
    docColumn('Endpoints', 'string', 'discovery/v1beta1 EndpointSlice.endpoints'),
    ageColumn,
  ],
  cells(slice, now) {
    const ports = list(slice, 'ports').map(slicePortLabel);
    const addresses = list(slice, 'endpoints').flatMap((e) => strings(e, 'addresses'));
    return [slice.metadata.name ?? '', str(slice, 'addressType'), orUnset(ports), orUnset(addresses), timeSince(slice.metadata.creationTimestamp, now)];
  },
};

/**
 * `ip:port` for every ready address and port across subsets (bare IPs for port-less headless
 * subsets), the first three shown. `<none>` without subsets; empty when subsets hold no ready address.
 */
export function formatEndpoints(subsets: Obj[]): string {
  if (subsets.length === 0) return '<none>';
  const all: string[] = [];
  for (const subset of subsets) {
    const ips = list(subset, 'addresses').map((a) => str(a, 'ip'));
    const ports = list(subset, 'ports');
    if (ports.length === 0) all.push(...ips);
    for (const port of ports) all.push(...ips.map((ip) => joinHostPort(ip, int(port, 'port'))));
  }
  return firstFew(all, '');
}

/** The port number, else its name (even an empty one), else `*` for "all ports". */
function slicePortLabel(port: Obj): string {
  const number = optInt(port, 'port');
  if (number !== undefined) return String(number);
  return optStr(port, 'name') ?? '*';
}

function orUnset(items: string[]): string {
  return firstFew(items, '<unset>');
}

/** The first three items joined by commas, then ` + N more...`; `whenEmpty` for none. */
function firstFew(items: string[], whenEmpty: string): string {
  const head = items.slice(0, shown).join(',');
  if (items.length > shown) return `${head} + ${items.length - shown} more...`;
  return head === '' ? whenEmpty : head;
}

/** IPv6 addresses take brackets, as Go's net.JoinHostPort writes them. */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
