/** Reading request bodies and writing JSON answers, with the limits kube-apiserver applies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest, requestEntityTooLarge, unsupportedMediaType, internalError } from '../errors.js';

/** kube-apiserver's limit for JSON/YAML bodies (3 MiB). */
export const maxBodyBytes = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) {
    req.resume();
    throw requestEntityTooLarge(`Request entity too large: limit is ${maxBodyBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw requestEntityTooLarge(`Request entity too large: limit is ${maxBodyBytes}`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

const protobufHint =
  'svcnet does not decode protobuf request bodies (sent by imperative generators such as `kubectl create deployment|namespace|secret`). ' +
  'Write a manifest instead, e.g. `kubectl create deployment d2 --image=nginx --dry-run=client -o yaml | kubectl apply -f -`';

/** Decodes a JSON or YAML body (YAML as kubectl and curl users send it). */
export function decodeBody(body: Buffer, contentType: string | undefined, allowed = ['application/json', 'application/yaml', '']): unknown {
  const type = mediaType(contentType);
  if (type === 'application/vnd.kubernetes.protobuf') throw unsupportedMediaType(protobufHint);
  if (!allowed.includes(type)) throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${allowed.filter(Boolean).join(', ')}`);
  const text = body.toString('utf8');
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  try {
    return type === 'application/yaml' || type === 'application/apply-patch+yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Sends JSON that is already text (from the encode cache). */
export function sendJsonText(res: ServerResponse, code: number, text: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, code: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const apiErr = err instanceof ApiError ? err : internalError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, apiErr.httpCode, apiErr.toStatus());
}

/** `Warning: 299 - "<text>"` headers, as kubectl prints them (`Warning: <text>`). */
export function warningHeaders(warnings: string[]): Record<string, string[]> {
  return warnings.length ? { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) } : {};
}
