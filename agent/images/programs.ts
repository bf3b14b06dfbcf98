/**
 * Small servers that stand in for images svcnet cannot pull. They are written as plain ES modules
 * into <data-dir>/agent/programs/ at start-up and run with the agent's own `node` binary.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Ingress conformance echoserver / Gateway echo-basic contract (shared/reference/ingress.md):
 * JSON with lower-case keys, `/health` → OK, `/status/<code>`, `X-Echo-Set-Header`.
 */
const echoServer = `import http from 'node:http';
import os from 'node:os';
const env = process.env;
const port = Number(env.HTTP_PORT || env.PORT || 3000);
const podIP = env.POD_IP || env.SVCNET_POD_IP || '';
http.createServer((req, res) => {
  if (req.url === '/health') { res.end('OK'); return; }
  const headers = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) (headers[req.rawHeaders[i]] ??= []).push(req.rawHeaders[i + 1]);
  const status = /^\\/status\\/(\\d{3})/.exec(req.url || '');
  for (const h of [].concat(req.headers['x-echo-set-header'] || [])) for (const kv of h.split(',')) {
    const i = kv.indexOf(':'); if (i > 0) res.setHeader(kv.slice(0, i).trim(), kv.slice(i + 1).trim());
  }
  const body = JSON.stringify({
    path: (req.url || '/').replace(/\\/\\/+/g, '/'), host: req.headers.host || '', method: req.method,
    proto: 'HTTP/' + req.httpVersion, headers,
    namespace: env.NAMESPACE || env.SVCNET_POD_NAMESPACE || '', ingress: env.INGRESS_NAME || '', service: env.SERVICE_NAME || '',
    pod: env.POD_NAME || env.SVCNET_POD_NAME || os.hostname(), podIP, httpPort: String(port),
  }, null, 1);
  // A sized answer, as the Go echo servers send (net/http sets Content-Length on short bodies):
  // writeHead without one made Node answer chunked, which the real images never do.
  res.writeHead(status ? Number(status[1]) : 200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}).listen(port, () => console.log('Echoing requests on port ' + port));
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => process.exit(0));
`;

/** luksa/kubia from "Kubernetes in Action": answers "You've hit <hostname>" on 8080. */
const kubia = `import http from 'node:http';
import os from 'node:os';
console.log('Kubia server starting...');
http.createServer((req, res) => {
  console.log('Received request from ' + req.socket.remoteAddress);
  res.writeHead(200);
  res.end("You've hit " + os.hostname() + '\\n');
}).listen(Number(process.env.PORT || 8080));
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => process.exit(0));
`;

/** A placeholder for influxdb: /ping answers 204 with InfluxDB's headers, anything else a JSON note. */
const influxdb = `import http from 'node:http';
const port = Number(process.env.PORT || 8086);
http.createServer((req, res) => {
  res.setHeader('X-Influxdb-Version', '1.8.10-svcnet-placeholder');
  if ((req.url || '').startsWith('/ping')) { res.writeHead(204); res.end(); return; }
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ placeholder: 'svcnet stands in for influxdb; no database runs here', path: req.url }) + '\\n');
}).listen(port, () => console.log('influxdb placeholder listening on ' + port));
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => process.exit(0));
`;

export const programs = { 'echo-server.mjs': echoServer, 'kubia.mjs': kubia, 'influxdb.mjs': influxdb } as const;
export type ProgramName = keyof typeof programs;

export function writePrograms(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(programs)) writeFileSync(join(dir, name), text);
}
