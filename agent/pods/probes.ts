/**
 * Probes with Kubernetes' defaults (period 10 s, timeout 1 s, success 1, failure 3, delay 0):
 * httpGet (2xx/3xx is success), tcpSocket (connect), exec (exit 0, run inside the container's
 * namespaces). A ProbeLoop reports only changes of the thresholded result.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import type { ContainerSpec, ProbeSpec } from '../pod/types.js';
import { runCommand } from '../net/run.js';
import { enterCommand } from '../runtime/container-process.js';

export type ProbeKind = 'readiness' | 'liveness' | 'startup';

export interface ProbeTarget {
  /** Where httpGet/tcpSocket connect: the pod IP (node IP for hostNetwork pods). */
  host: string;
  /** Container main pid, for exec probes. */
  pid: () => number | undefined;
  hostNetwork: boolean;
  container: ContainerSpec;
}

export interface ProbeOutcome {
  ok: boolean;
  message: string;
}

export function probeDefaults(p: ProbeSpec): Required<Pick<ProbeSpec, 'initialDelaySeconds' | 'periodSeconds' | 'timeoutSeconds' | 'successThreshold' | 'failureThreshold'>> {
  return {
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    periodSeconds: p.periodSeconds ?? 10,
    timeoutSeconds: p.timeoutSeconds ?? 1,
    successThreshold: p.successThreshold ?? 1,
    failureThreshold: p.failureThreshold ?? 3,
  };
}

/** A named port ("http") is looked up among the container's ports. */
export function resolvePort(port: number | string, container: ContainerSpec): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function httpCheck(p: NonNullable<ProbeSpec['httpGet']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const port = resolvePort(p.port, t.container);
  if (port === undefined) return Promise.resolve({ ok: false, message: `unknown port ${p.port}` });
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const h of p.httpHeaders ?? []) headers[h.name] = h.value;
    const req = request({ host: p.host || t.host, port, path: p.path || '/', method: 'GET', headers, timeout: timeoutMs }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve({ ok: code >= 200 && code < 400, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => req.destroy(new Error(`Get "http://${t.host}:${port}${p.path || '/'}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.on('error', (err) => resolve({ ok: false, message: err.message }));
    req.end();
  });
}

function tcpCheck(p: NonNullable<ProbeSpec['tcpSocket']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const port = resolvePort(p.port, t.container);
  if (port === undefined) return Promise.resolve({ ok: false, message: `unknown port ${p.port}` });
  return new Promise((resolve) => {
    const sock = connect({ host: p.host || t.host, port, timeout: timeoutMs });
    sock.on('connect', () => {
      sock.destroy();
      resolve({ ok: true, message: '' });
    });
    sock.on('timeout', () => {
      sock.destroy();
      resolve({ ok: false, message: `dial tcp ${t.host}:${port}: i/o timeout` });
    });
    sock.on('error', (err) => resolve({ ok: false, message: `dial tcp ${t.host}:${port}: ${err.message}` }));
  });
}

async function execCheck(p: NonNullable<ProbeSpec['exec']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const pid = t.pid();
  if (!pid) return { ok: false, message: 'container is not running' };
  const [cmd, ...args] = enterCommand(pid, t.hostNetwork, p.command ?? []);
  const r = await runCommand(cmd, args, undefined, timeoutMs);
  return { ok: r.code === 0, message: `command ${JSON.stringify((p.command ?? []).join(' '))} exited with ${r.code}: ${(r.stdout + r.stderr).trim()}` };
}

export function runProbe(p: ProbeSpec, t: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutMs = probeDefaults(p).timeoutSeconds * 1000;
  if (p.httpGet) return httpCheck(p.httpGet, t, timeoutMs);
  if (p.tcpSocket) return tcpCheck(p.tcpSocket, t, timeoutMs);
  if (p.exec) return execCheck(p.exec, t, timeoutMs);
  return Promise.resolve({ ok: true, message: 'no handler' });
}

/** Runs one probe on its period; calls `onChange` when the thresholded result flips. */
export class ProbeLoop {
  #timer?: NodeJS.Timeout;
  #stopped = false;
  #result: boolean | undefined;
  #successes = 0;
  #failures = 0;

  constructor(
    readonly kind: ProbeKind,
    readonly spec: ProbeSpec,
    readonly target: ProbeTarget,
    readonly onChange: (ok: boolean, outcome: ProbeOutcome) => void,
  ) {}

  start(): void {
    const d = probeDefaults(this.spec);
    this.#schedule(d.initialDelaySeconds * 1000);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  get result(): boolean | undefined {
    return this.#result;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#tick(), ms);
  }

  async #tick(): Promise<void> {
    const d = probeDefaults(this.spec);
    const outcome = await runProbe(this.spec, this.target);
    if (this.#stopped) return;
    if (outcome.ok) {
      this.#failures = 0;
      this.#successes++;
      if (this.#result !== true && this.#successes >= d.successThreshold) this.#set(true, outcome);
    } else {
      this.#successes = 0;
      this.#failures++;
      if (this.#result !== false && this.#failures >= d.failureThreshold) this.#set(false, outcome);
      else if (this.#result === undefined && this.kind === 'readiness') this.#set(false, outcome);
    }
    // A failed liveness/startup probe leads to a restart: its loop ends here and a new one starts.
    if (!(this.#result === false && this.kind !== 'readiness')) this.#schedule(d.periodSeconds * 1000);
  }

  #set(ok: boolean, outcome: ProbeOutcome): void {
    this.#result = ok;
    this.onChange(ok, outcome);
  }
}
