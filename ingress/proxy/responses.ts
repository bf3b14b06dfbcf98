/** Responses the proxy makes itself (no backend): errors, 404 and redirects, nginx-style bodies. */

const reasons: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Large',
  431: 'Request Header Fields Too Large',
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

export function reasonPhrase(status: number): string {
  return reasons[status] ?? 'Unknown';
}

let dateCache = '';
let dateSecond = 0;
/** The Date header value, formatted at most once a second. */
export function httpDate(): string {
  const now = Date.now();
  const s = Math.floor(now / 1000);
  if (s !== dateSecond) {
    dateSecond = s;
    dateCache = new Date(now).toUTCString();
  }
  return dateCache;
}

function page(status: number): string {
  const title = `${status} ${reasonPhrase(status)}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>svcnet</center>\r\n</body>\r\n</html>\r\n`;
}

export interface CannedOptions {
  close: boolean;
  headers?: string;
  /** HEAD requests get the head only. */
  head?: boolean;
  requestId?: string;
}

export function cannedResponse(status: number, opts: CannedOptions): string {
  const body = page(status);
  let out = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\nServer: svcnet\r\nDate: ${httpDate()}\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  if (opts.requestId) out += `X-Request-ID: ${opts.requestId}\r\n`;
  if (opts.headers) out += opts.headers;
  out += opts.close ? 'Connection: close\r\n\r\n' : 'Connection: keep-alive\r\n\r\n';
  return opts.head ? out : out + body;
}

/** 308 to the HTTPS URL of the same host (port dropped) and target. */
export function redirectToHttps(host: string, target: string, httpsPort: number, close: boolean, head: boolean): string {
  const authority = httpsPort === 443 ? host : `${host}:${httpsPort}`;
  return cannedResponse(308, { close, head, headers: `Location: https://${authority}${target}\r\n` });
}
