/** Raw HTTPS requests to an API server with the admin kubeconfig's CA and token (tests, benchmarks). */
import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ApiTarget {
  url: string;
  ca: string;
  token: string;
  agent: Agent;
}

export function targetFromKubeconfig(path: string): ApiTarget {
  const kc = parse(readFileSync(path, 'utf8'));
  const cluster = kc.clusters[0].cluster;
  return {
    url: cluster.server,
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
    token: kc.users[0].user.token,
    agent: new Agent({ keepAlive: true, maxSockets: 64 }),
  };
}

export interface ApiResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  json<T = any>(): T;
}

export function apiRequest(t: ApiTarget, method: string, path: string, body?: unknown, contentType = 'application/json', extraHeaders: Record<string, string> = {}): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const req = request(
      new URL(path, t.url),
      { method, ca: t.ca, agent: t.agent, headers: { Authorization: `Bearer ${t.token}`, Accept: 'application/json', ...(data !== undefined ? { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(data)) } : {}), ...extraHeaders } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (data !== undefined) req.end(data);
    else req.end();
  });
}
