/**
 * pods/log and pods/exec|attach, proxied to the node agent's kubelet API as kube-apiserver does:
 * logs as a streamed GET of /containerLogs/{ns}/{pod}/{container}, exec as a raw tunnel of the
 * WebSocket upgrade to /exec/{ns}/{pod}/{container}. The agent's serving certificate is
 * self-signed, and (like kube-apiserver without --kubelet-certificate-authority) not verified.
 */
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError, badRequest } from '../errors.js';
import { findResource } from '../resources.js';
import type { KubeObject } from '../types.js';
import type { Registry } from '../registry/registry.js';
import type { HandlerContext } from './resource-handler.js';
import type { PodConnector } from './subresources.js';

const nodes = findResource('', 'v1', 'nodes')!;

interface KubeletAddress {
  host: string;
  port: number;
}

interface PodSpecLite {
  nodeName?: string;
  containers?: { name: string }[];
  initContainers?: { name: string }[];
  ephemeralContainers?: { name: string }[];
}

function unavailable(message: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', message);
}

/** Where the pod's node agent listens: the node's InternalIP and its kubelet endpoint port. */
export function kubeletAddressOf(registry: Registry, pod: KubeObject): KubeletAddress {
  const nodeName = (pod.spec as PodSpecLite | undefined)?.nodeName;
  if (!nodeName) throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const node = registry.tryGet(nodes, undefined, nodeName);
  if (!node) throw unavailable(`node "${nodeName}" of pod ${pod.metadata.name} is not registered; is its agent (svcnet agent / svcnet up) running?`);
  const status = (node.status ?? {}) as { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
  const ip = status.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!ip || !port) throw unavailable(`node "${nodeName}" publishes no kubelet endpoint (status.addresses InternalIP and status.daemonEndpoints)`);
  return { host: ip, port };
}

/** The container a request means: the one named, else the default-container annotation, else the only one. */
export function chooseContainer(pod: KubeObject, requested: string | null): string {
  const spec = (pod.spec ?? {}) as PodSpecLite;
  const all = [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    return requested;
  }
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated && all.includes(annotated)) return annotated;
  const main = (spec.containers ?? []).map((c) => c.name);
  if (main.length === 1) return main[0];
  throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${main.join(' ')}]`);
}

const logParams = ['follow', 'tailLines', 'timestamps', 'previous', 'sinceSeconds', 'sinceTime', 'limitBytes'];

export function kubeletConnector(registry: Registry, token: string): PodConnector {
  return {
    logs: (ctx: HandlerContext, pod: KubeObject) =>
      new Promise<void>((resolve, reject) => {
        const container = chooseContainer(pod, ctx.query.get('container'));
        const target = kubeletAddressOf(registry, pod);
        const q = new URLSearchParams();
        for (const p of logParams) if (ctx.query.has(p)) q.set(p, ctx.query.get(p)!);
        const path = `/containerLogs/${encodeURIComponent(pod.metadata.namespace!)}/${encodeURIComponent(pod.metadata.name!)}/${encodeURIComponent(container)}?${q}`;
        const upstream = httpsRequest({ host: target.host, port: target.port, path, method: 'GET', rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}` } }, (res) => {
          ctx.res.writeHead(res.statusCode ?? 502, { 'Content-Type': res.headers['content-type'] ?? 'text/plain', ...(res.headers['content-length'] ? { 'Content-Length': res.headers['content-length'] } : {}) });
          ctx.res.flushHeaders();
          res.pipe(ctx.res);
          res.on('end', resolve);
          res.on('error', () => resolve());
        });
        // The client going away (kubectl logs -f interrupted) ends the upstream stream.
        ctx.req.on('close', () => upstream.destroy());
        upstream.on('error', (err) => {
          if (ctx.res.headersSent) {
            ctx.res.end();
            resolve();
          } else reject(unavailable(`cannot reach the agent of node ${(pod.spec as PodSpecLite).nodeName} at ${target.host}:${target.port}: ${err.message}`));
        });
        upstream.end();
      }),
  };
}

function rejectUpgrade(socket: Socket, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(`HTTP/1.1 ${err.httpCode} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Tunnels an exec/attach upgrade to the agent: the request line is rewritten to the kubelet path,
 * the agent's token replaces the client's, and from then on bytes flow both ways untouched.
 */
export function kubeletUpgradeHandler(registry: Registry, token: string) {
  return (req: IncomingMessage, socket: Socket, head: Buffer, pod: { namespace: string; name: string; subresource: string }): void => {
    try {
      if (pod.subresource !== 'exec') throw badRequest(`pods/${pod.subresource} is not supported by svcnet yet`);
      const obj = registry.tryGet(findResource('', 'v1', 'pods')!, pod.namespace, pod.name);
      if (!obj) throw new ApiError(404, 'NotFound', `pods "${pod.name}" not found`, { name: pod.name, kind: 'pods' });
      const phase = (obj.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
      const url = new URL(req.url ?? '/', 'https://svcnet.invalid');
      const container = chooseContainer(obj, url.searchParams.get('container'));
      const target = kubeletAddressOf(registry, obj);
      // Checked last: when the WebSocket attempt fails kubectl retries with SPDY, and the reason
      // the first attempt failed (no host, completed pod) is the message the user needs.
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
        throw badRequest('svcnet serves exec and attach over WebSocket (v5.channel.k8s.io), not SPDY; kubectl 1.30 and later use WebSocket unless KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false');
      }
      url.searchParams.delete('container');
      const path = `/exec/${encodeURIComponent(pod.namespace)}/${encodeURIComponent(pod.name)}/${encodeURIComponent(container)}?${url.searchParams}`;
      const upstream = tlsConnect({ host: target.host, port: target.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => {
        const headers = Object.entries(req.headers)
          .filter(([k]) => !['authorization', 'host'].includes(k))
          .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
        upstream.write([`GET ${path} HTTP/1.1`, `Host: ${target.host}:${target.port}`, `Authorization: Bearer ${token}`, ...headers, '', ''].join('\r\n'));
        if (head.length) upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', (err) => {
        if (!socket.writableEnded) rejectUpgrade(socket, unavailable(`cannot reach the agent of node ${(obj.spec as PodSpecLite).nodeName} at ${target.host}:${target.port}: ${err.message}`));
      });
      socket.on('error', () => upstream.destroy());
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
    } catch (err) {
      rejectUpgrade(socket, err instanceof ApiError ? err : unavailable(String(err)));
    }
  };
}
