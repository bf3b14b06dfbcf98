/**
 * One keep-alive connection pool to one API server, over Node's own http/https. Requests either
 * buffer the whole answer (`send`) or hand back the live response for streaming (`open`, for watch).
 */
import http from 'node:http';
import https from 'node:https';
import { SvcnetError } from '../common/errors.js';
import type { Connection } from './connection.js';

export interface HttpRequest {
  method: string;
  /** Path and query below the server's base URL. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** No timeout when undefined (watches stay open until the server ends them). */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class HttpTransport {
  readonly #conn: Connection;
  readonly #agent: http.Agent;
  readonly #isHttps: boolean;

  constructor(conn: Connection) {
    this.#conn = conn;
    this.#isHttps = conn.server.protocol === 'https:';
    // keepAlive also turns on TCP keep-alive probes, which is what notices a dead peer under a silent watch.
    const agentOptions = { keepAlive: true, keepAliveMsecs: 30_000, ...conn.tls };
    this.#agent = this.#isHttps ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** Sends a request and reads the whole answer, whatever its status. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.open(req);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of res) chunks.push(chunk as Buffer);
    } catch (err) {
      throw req.signal?.aborted ? abortedError(req) : err;
    }
    return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
  }

  /**
   * Sends a request and resolves with the response as soon as its headers arrive. A pooled socket
   * that the server closed while idle fails at once with ECONNRESET before any answer; the request
   * never reached the server, so it is sent again on another socket.
   */
  async open(req: HttpRequest): Promise<http.IncomingMessage> {
    if (req.signal?.aborted) throw abortedError(req);
    const auth = await this.#conn.authHeaders();
    const headers: Record<string, string> = { ...req.headers, ...auth };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(req, headers);
      } catch (err) {
        if (!(err instanceof StaleSocketError) || attempt >= maxStaleSocketRetries) throw err instanceof StaleSocketError ? err.cause : err;
      }
    }
  }

  /**
   * One try. An abort destroys the request (before the answer) or the response (after it); either
   * way without an error object, because a socket destroyed with one after a keep-alive response
   * completed emits 'error' where nobody listens and crashes the process (seen on Node 20).
   */
  #attempt(req: HttpRequest, headers: Record<string, string>): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      let response: http.IncomingMessage | undefined;
      const onAbort = () => (response ? response.destroy() : request.destroy());
      const request = (this.#isHttps ? https : http).request(
        {
          hostname: this.#conn.server.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: this.#conn.server.port || (this.#isHttps ? 443 : 80),
          path: this.#basePath() + req.path,
          method: req.method,
          headers,
          agent: this.#agent,
        },
        (res) => {
          response = res;
          res.once('close', () => req.signal?.removeEventListener('abort', onAbort));
          resolve(res);
        },
      );
      req.signal?.addEventListener('abort', onAbort);
      request.on('error', (err: NodeJS.ErrnoException) => {
        req.signal?.removeEventListener('abort', onAbort);
        if (req.signal?.aborted) reject(abortedError(req));
        else if (!response && request.reusedSocket && err.code === 'ECONNRESET') reject(new StaleSocketError(err));
        else reject(err);
      });
      if (req.timeoutMs !== undefined) {
        request.setTimeout(req.timeoutMs, () => {
          request.destroy(new SvcnetError('Timeout', `client: ${req.method} ${req.path}: no answer within ${req.timeoutMs} ms`));
        });
      }
      request.end(req.body);
    });
  }

  /** Closes idle pooled sockets; requests in flight finish or fail on their own. */
  close(): void {
    this.#agent.destroy();
  }

  #basePath(): string {
    return this.#conn.server.pathname.replace(/\/+$/, '');
  }
}

/** Every pooled socket may be stale at once (after a server restart); a few tries reach a fresh one. */
const maxStaleSocketRetries = 3;

class StaleSocketError extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

function abortedError(req: HttpRequest): SvcnetError {
  return new SvcnetError('Aborted', `client: ${req.method} ${req.path}: aborted`);
}
