/** Starts an HTTP or HTTPS test server on 127.0.0.1 and gives its base URL. */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface Listening {
  server: http.Server;
  url: string;
  port: number;
  /** Closes the server and every open connection (watches included). */
  close(): Promise<void>;
}

export async function listen(handler: RequestHandler, opts: { port?: number; tls?: https.ServerOptions } = {}): Promise<Listening> {
  const server = opts.tls ? https.createServer(opts.tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Reads a request body as text. */
export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
