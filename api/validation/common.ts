/** Field checks several kinds share: ports, protocols, DNS labels, qualified names. */
import { fieldErr, type FieldError } from '../errors.js';
import { isDNS1123Label, isQualifiedName, isValidPortName, isValidPortNum } from './names.js';
import { asNumber } from './util.js';

export const supportedProtocols = ['SCTP', 'TCP', 'UDP'];

/** A port given as a number must be a valid port; given as text it must be an IANA service name. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((m) => fieldErr.invalid(path, port, m));
  const n = asNumber(port);
  return isValidPortNum(n).map((m) => fieldErr.invalid(path, n, m));
}

export function validateDNS1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((m) => fieldErr.invalid(path, value, m));
}

export function validateQualifiedName(value: string, path: string): FieldError[] {
  return isQualifiedName(value).map((m) => fieldErr.invalid(path, value, m));
}
