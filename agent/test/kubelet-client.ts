/** Test clients of the kubelet API over a connection made inside the test's namespace. */
import { request } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

export type Connector = (host: string, port: number) => Promise<Socket>;

export interface KubeletTarget {
  host: string;
  port: number;
  token: string;
  connect: Connector;
}

async function tlsSocket(t: KubeletTarget) {
  const raw = await t.connect(t.host, t.port);
  return tlsConnect({ socket: raw, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
}

export async function kubeletGet(t: KubeletTarget, path: string, onData?: (chunk: string) => void, abort?: AbortSignal): Promise<{ status: number; body: string }> {
  const sock = await tlsSocket(t);
  return new Promise((resolve, reject) => {
    const req = request({ host: t.host, port: t.port, path, method: 'GET', headers: { Authorization: `Bearer ${t.token}` }, createConnection: () => sock, signal: abort }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
        onData?.(String(d));
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (err) => (abort?.aborted ? resolve({ status: 0, body: '' }) : reject(err)));
    req.end();
  });
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  status?: { status: string; reason?: string; message?: string; details?: { causes?: { reason: string; message: string }[] } };
  closeCode?: number;
}

/** Runs a command over the v5.channel.k8s.io WebSocket, like `kubectl exec` does. */
export async function kubeletExec(t: KubeletTarget, ns: string, pod: string, container: string, command: string[], opts: { stdin?: string; tty?: boolean; size?: { Width: number; Height: number } } = {}): Promise<ExecResult> {
  const q = new URLSearchParams();
  for (const c of command) q.append('command', c);
  q.set('stdout', 'true');
  if (!opts.tty) q.set('stderr', 'true');
  if (opts.stdin !== undefined) q.set('stdin', 'true');
  if (opts.tty) q.set('tty', 'true');
  const sock = await tlsSocket(t);
  const ws = new WebSocket(`wss://${t.host}:${t.port}/exec/${ns}/${pod}/${container}?${q}`, 'v5.channel.k8s.io', { headers: { Authorization: `Bearer ${t.token}` }, rejectUnauthorized: false, createConnection: () => sock });
  const result: ExecResult = { stdout: '', stderr: '' };
  return new Promise((resolve, reject) => {
    ws.on('open', () => {
      if (opts.size) ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify(opts.size))]));
      if (opts.stdin !== undefined) {
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(opts.stdin)]));
        ws.send(Buffer.from([255, 0]));
      }
    });
    ws.on('message', (data: Buffer) => {
      const payload = data.subarray(1).toString('utf8');
      if (data[0] === 1) result.stdout += payload;
      else if (data[0] === 2) result.stderr += payload;
      else if (data[0] === 3) result.status = JSON.parse(payload);
    });
    ws.on('close', (code) => {
      result.closeCode = code;
      resolve(result);
    });
    ws.on('error', reject);
  });
}
