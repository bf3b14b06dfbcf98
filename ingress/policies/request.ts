/**
 * Reading request values for policies and balancers, from the flat header list the data plane
 * keeps ([name, value, name, value, …], names as sent). Only annotated routes call these.
 */

/** The first value of a header (name given lower-case), or undefined. */
export function headerValue(headers: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) {
    const n = headers[i];
    if (n.length === lowerName.length && n.toLowerCase() === lowerName) return headers[i + 1];
  }
  return undefined;
}

/** A cookie's value from every Cookie header (RFC 6265 `a=b; c=d`), or undefined. */
export function cookieValue(headers: readonly string[], name: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i].length !== 6 || headers[i].toLowerCase() !== 'cookie') continue;
    for (const part of headers[i + 1].split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}
