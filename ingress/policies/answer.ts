/** HTTP/1.1 text of a policy's own answer (401, 403, 503, or the 204 CORS preflight). */
import { cannedResponse, httpDate, reasonPhrase } from '../proxy/responses.js';
import { headerLines, type PolicyAnswer } from './policy.js';

export function renderAnswer(a: PolicyAnswer, close: boolean, isHead: boolean): string {
  const headers = headerLines(a.headers);
  if (!a.emptyBody) return cannedResponse(a.status, { close, head: isHead, headers });
  const connection = close ? 'close' : 'keep-alive';
  return `HTTP/1.1 ${a.status} ${reasonPhrase(a.status)}\r\nServer: svcnet\r\nDate: ${httpDate()}\r\n${headers}Content-Length: 0\r\nConnection: ${connection}\r\n\r\n`;
}
