/**
 * A gRPC-shaped echo backend on Node's http2 (no gRPC library): h2c, or TLS for GRPCS.
 * `/echo.Echo/Stream` answers each request chunk at once with the same bytes (bidirectional
 * streaming) and ends with trailers `grpc-status: 0`; `/echo.Echo/Fail` is a trailers-only
 * answer `grpc-status: 12`. Response headers tell the pod and what the request carried.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface GrpcBackend {
  readonly port: number;
  /** Streams the peer reset before they ended (a cancelled call). */
  readonly cancelled: number;
  close(): Promise<void>;
}

export async function startGrpcBackend(pod: string, tlsPair?: { cert: string; key: string }): Promise<GrpcBackend> {
  const server = tlsPair ? http2.createSecureServer({ ...tlsPair, allowHTTP1: false }) : http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  let cancelled = 0;
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  server.on('stream', (stream, headers) => {
    const seen = { 'x-pod': pod, 'x-seen-te': String(headers.te ?? ''), 'x-seen-xff': String(headers['x-forwarded-for'] ?? ''), 'x-seen-authority': String(headers[':authority'] ?? '') };
    if (headers[':path'] === '/echo.Echo/Fail') {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'unimplemented', ...seen }, { endStream: true });
      return;
    }
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', ...seen }, { waitForTrailers: true });
    stream.on('data', (chunk: Buffer) => stream.write(chunk));
    stream.on('close', () => {
      if (stream.rstCode === http2.constants.NGHTTP2_CANCEL) cancelled++;
    });
    stream.on('end', () => stream.end());
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': 'OK', 'x-trailer-pod': pod }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get cancelled() {
      return cancelled;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A gRPC length-prefixed message: flag 0, 4-byte big-endian length, payload. */
export function grpcFrame(payload: string): Buffer {
  const body = Buffer.from(payload);
  const out = Buffer.alloc(5 + body.length);
  out.writeUInt32BE(body.length, 1);
  body.copy(out, 5);
  return out;
}
