/**
 * A stand-in API server that records each request and answers what the test tells it to, for
 * checking the exact requests the client sends and how it reads answers.
 */
import type http from 'node:http';
import type https from 'node:https';
import { listen, readBody, type Listening } from './listen.js';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface CannedAnswer {
  status?: number;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type Responder = (req: RecordedRequest) => CannedAnswer;

export interface RecordingServer extends Listening {
  requests: RecordedRequest[];
}

export async function startRecordingServer(respond: Responder, tls?: https.ServerOptions): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const listening = await listen(
    async (req, res) => {
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: await readBody(req) };
      requests.push(recorded);
      const answer = respond(recorded);
      const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
      res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json', ...answer.headers });
      res.end(body);
    },
    { tls },
  );
  return { ...listening, requests };
}
