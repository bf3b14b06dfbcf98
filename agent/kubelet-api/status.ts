/** Kubernetes Status bodies for kubelet API errors (the API server passes them on to kubectl). */
import type { ServerResponse } from 'node:http';

export function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

export function sendStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  const body = statusBody(code, reason, message);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
