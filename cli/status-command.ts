/** `svcnet status`: whether the stack runs, and each component's health, version and addresses. */
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { defaultDataDir, parseCommand, type FlagSpec } from './flags.js';
import { runningPid } from './pidfile.js';

const flags = { 'data-dir': { type: 'string', default: '', help: 'the data dir of the stack (root: /var/lib/svcnet)' } } satisfies FlagSpec;

/** The health endpoints of each component, as design.md fixes their ports. */
export const healthChecks: { component: string; url: string }[] = [
  { component: 'proxy', url: 'http://127.0.0.1:10256/healthz' },
  { component: 'dns', url: 'http://127.0.0.1:8181/ready' },
  { component: 'ingress', url: 'http://127.0.0.1:10254/healthz' },
];

function get(url: string, opts: { ca?: string; token?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = (url.startsWith('https') ? httpsRequest : httpRequest)(url, { ca: opts.ca, headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {}, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (e) => resolve({ status: 0, body: e.message }));
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end();
  });
}

export async function runStatus(argv: string[]): Promise<number> {
  const values = parseCommand(argv, flags, 'status', 'Shows whether svcnet runs and how each component is.');
  if (!values) return 0;
  const dataDir = (values['data-dir'] as string) || defaultDataDir();
  const pid = runningPid(dataDir);
  process.stdout.write(pid ? `svcnet up is running (pid ${pid}), data dir ${dataDir}\n` : `svcnet up is not running (data dir ${dataDir})\n`);
  const kubeconfig = join(dataDir, 'kubeconfig.yaml');
  let healthy = Boolean(pid);
  if (existsSync(kubeconfig)) {
    const kc = parse(readFileSync(kubeconfig, 'utf8'));
    const server: string = kc.clusters[0].cluster.server;
    const ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
    const ready = await get(`${server}/readyz`, { ca });
    const version = await get(`${server}/version`, { ca });
    const v = version.status === 200 ? JSON.parse(version.body).gitVersion : '?';
    process.stdout.write(`  api-server  ${ready.status === 200 ? 'ready  ' : 'DOWN   '} ${server}  ${v}\n`);
    healthy &&= ready.status === 200;
  }
  for (const c of healthChecks) {
    const r = await get(c.url);
    process.stdout.write(`  ${c.component.padEnd(10)}  ${r.status === 200 ? 'ready  ' : r.status === 0 ? 'not running' : `HTTP ${r.status}`} ${r.status ? c.url : ''}\n`);
  }
  process.stdout.write(`  export KUBECONFIG=${kubeconfig}\n`);
  return healthy ? 0 : 1;
}
