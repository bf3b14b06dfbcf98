/**
 * One container of a pod: starts its process (image → program, env, files), follows it to its
 * exit, runs its probes, and stops it (preStop, SIGTERM, grace period, SIGKILL).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { constants } from 'node:os';
import { join } from 'node:path';
import { findResource } from '../../api/resources.js';
import type { ResourceType } from '../../client/index.js';
import { isNotFound } from '../../client/index.js';
import { logger } from '../../common/log.js';
import { SvcnetError } from '../../common/errors.js';
import { containerArgv } from '../images/catalog.js';
import { fullImageName, imageId, parseImageRef } from '../images/reference.js';
import { runCommand } from '../net/run.js';
import { isHolder } from '../net/sandbox-holder.js';
import { buildContainerEnv, expandCommand, refsOf, type Env } from '../pod/env.js';
import type { ContainerSpec, LifecycleHandler, Pod } from '../pod/types.js';
import { enterCommand, isAlive, signalGroup, spawnContainer } from '../runtime/container-process.js';
import type { Launched } from '../runtime/launcher.js';
import { LogPump, rawLogPath } from '../runtime/log-pump.js';
import type { AgentContext } from './context.js';
import { exitCodeOf, terminatedReason, type ContainerState, type Terminated } from './lifecycle.js';
import type { ContainerRecord } from './pod-record.js';
import type { ContainerView } from './pod-status.js';
import { ProbeLoop, resolvePort, type ProbeKind } from './probes.js';
import { mark } from '../trace.js';

const log = logger('agent/container');
const configMaps = findResource('', 'v1', 'configmaps')! as ResourceType;
const secrets = findResource('', 'v1', 'secrets')! as ResourceType;

export interface SandboxInfo {
  hash: string;
  podDir: string;
  /** `<agent-dir>/sandboxes/<hash>`: resolv.conf, hosts (sandbox-holder.ts). */
  dir: string;
  holderPid?: number;
  ip: string;
  hostNetwork: boolean;
  hostname: string;
}

export class ContainerRunner {
  state: ContainerState = { kind: 'waiting', reason: 'ContainerCreating' };
  record: ContainerRecord = { restartCount: 0 };
  ready = false;
  started = false;
  backoffUntil = 0;
  #pump?: LogPump;
  #probes = new Map<ProbeKind, ProbeLoop>();
  #exitWaiters: (() => void)[] = [];
  #stopping = false;
  imagePullFailures = 0;

  constructor(
    readonly spec: ContainerSpec,
    readonly isInit: boolean,
    readonly ctx: AgentContext,
    readonly onChange: () => void,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.state.kind === 'running' ? this.state.pid : undefined;
  }

  containerDir(sb: SandboxInfo): string {
    return join(sb.podDir, this.name);
  }

  logPath(sb: SandboxInfo, restart = this.record.restartCount): string {
    return join(this.containerDir(sb), `${restart}.log`);
  }

  containerId(sb: SandboxInfo): string {
    return `svcnet://${sb.hash}-${this.name}-${this.record.restartCount}`;
  }

  /** A log pump for the current restart, if the container is running or its log still drains. */
  get pump(): LogPump | undefined {
    return this.#pump;
  }

  view(sb: SandboxInfo | undefined): ContainerView {
    const ref = parseImageRef(this.spec.image ?? '');
    const everRan = this.record.startedAt !== undefined || this.record.lastTerminated !== undefined;
    return {
      name: this.name,
      image: fullImageName(ref),
      imageID: imageId(ref),
      containerID: sb && everRan ? this.containerId(sb) : undefined,
      restartCount: this.record.restartCount,
      state: this.state,
      lastTerminated: this.record.lastTerminated,
      ready: this.ready,
      started: this.state.kind === 'running' && this.started,
      everRan,
    };
  }

  async #loadRefs(pod: Pod): Promise<{ cms: Map<string, Record<string, string> | undefined>; secs: Map<string, Record<string, string> | undefined> }> {
    const ns = pod.metadata.namespace!;
    const refs = refsOf(this.spec);
    const cms = new Map<string, Record<string, string> | undefined>();
    const secs = new Map<string, Record<string, string> | undefined>();
    const fetch = async (ri: ResourceType, name: string) => {
      try {
        return (await this.ctx.client.get(ri, ns, name)) as { data?: Record<string, string> };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    };
    for (const n of refs.configMaps) {
      const cm = await fetch(configMaps, n);
      cms.set(n, cm ? (cm.data ?? {}) : undefined);
    }
    for (const n of refs.secrets) {
      const s = await fetch(secrets, n);
      secs.set(n, s ? Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])) : undefined);
    }
    return { cms, secs };
  }

  /** Starts the process; on a config or image problem the container stays waiting with a reason. */
  async start(pod: Pod, sb: SandboxInfo): Promise<void> {
    const image = this.spec.image ?? '';
    const recipe = this.ctx.catalog.resolve(image);
    if (!recipe) {
      this.imagePullFailures++;
      const reason = this.imagePullFailures > 1 ? 'ImagePullBackOff' : 'ErrImagePull';
      const message = this.ctx.catalog.howToAdd(image);
      this.state = { kind: 'waiting', reason, message: reason === 'ImagePullBackOff' ? `Back-off pulling image "${image}": ${message}` : message };
      if (this.imagePullFailures === 1) this.ctx.events.record(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${message}`, this.name);
      this.backoffUntil = Date.now() + Math.min(10_000 * 2 ** (this.imagePullFailures - 1), 300_000);
      return;
    }
    this.imagePullFailures = 0;
    if (this.record.pendingRestart) this.record = { ...this.record, pendingRestart: false, restartCount: this.record.restartCount + 1 };
    const dir = this.containerDir(sb);
    mkdirSync(dir, { recursive: true });
    const rctx = { paths: this.ctx.paths, containerDir: dir, ports: (this.spec.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.containerPort) };
    let env: Env;
    try {
      const { cms, secs } = await this.#loadRefs(pod);
      const master = this.ctx.services.get('default', 'kubernetes');
      const services = this.ctx.services.list().filter((s) => s.metadata.namespace === pod.metadata.namespace);
      const base = buildContainerEnv({ pod, container: this.spec, hostname: sb.hostname, podIP: sb.ip, hostIP: this.ctx.nodeIP, services, masterService: master, configMaps: cms, secrets: secs });
      const imageEnv = Object.entries(recipe.env(rctx)).filter(([k]) => !base.some(([b]) => b === k));
      const builtinEnv: Env = recipe.source.startsWith('builtin') ? [['SVCNET_POD_NAME', pod.metadata.name!], ['SVCNET_POD_NAMESPACE', pod.metadata.namespace!], ['SVCNET_POD_IP', sb.ip]] : [];
      env = [...imageEnv, ...builtinEnv, ...base];
    } catch (err) {
      if (!(err instanceof SvcnetError)) throw err;
      this.state = { kind: 'waiting', reason: 'CreateContainerConfigError', message: err.message };
      this.backoffUntil = Date.now() + 10_000;
      this.ctx.events.record(pod, 'Warning', 'Failed', `Error: ${err.message}`, this.name);
      return;
    }
    for (const f of recipe.files?.(rctx) ?? []) writeFileSync(f.path, f.content);
    if (recipe.files) mkdirSync(join(dir, 'nginx-tmp'), { recursive: true });
    const argv = expandCommand(containerArgv(recipe, recipe.entrypoint(rctx), this.spec.command, this.spec.args), env);
    if (argv.length === 0) {
      this.state = { kind: 'waiting', reason: 'CreateContainerError', message: 'no command specified' };
      this.backoffUntil = Date.now() + 10_000;
      return;
    }
    if (this.record.startedAt === undefined && this.record.restartCount === 0) {
      this.ctx.events.record(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, this.name);
    }
    const logPath = this.logPath(sb);
    let launched: Launched;
    const traceName = `${pod.metadata.namespace}/${pod.metadata.name}`;
    mark(traceName, 'spawn-requested');
    try {
      launched = await spawnContainer(this.ctx.launcher, {
        podHash: sb.hostNetwork ? undefined : sb.hash,
        holderPid: !sb.hostNetwork && isHolder(sb.holderPid, sb.hash) ? sb.holderPid : undefined,
        hostname: sb.hostname,
        resolvConfPath: join(sb.dir, 'resolv.conf'),
        hostsPath: sb.hostNetwork ? undefined : join(sb.dir, 'hosts'),
        fstabPath: join(dir, 'mounts.fstab'),
        argv,
        env,
        workingDir: this.spec.workingDir ?? '/',
        stdoutPath: rawLogPath(logPath, 'stdout'),
        stderrPath: rawLogPath(logPath, 'stderr'),
      });
    } catch (err) {
      if (!(err instanceof SvcnetError)) throw err;
      this.state = { kind: 'waiting', reason: 'RunContainerError', message: err.message };
      this.backoffUntil = Date.now() + 10_000;
      return;
    }
    const pid = launched.pid;
    mark(traceName, 'spawned');
    const startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.record = { ...this.record, pid, startedAt, startedAtMs: Date.now(), terminated: undefined, env };
    this.state = { kind: 'running', startedAt, pid };
    this.#ownChild = true;
    this.#pump = new LogPump(logPath);
    this.#pump.start();
    void launched.exited.then((exit) => {
      // Without the launcher the exit code is lost: poll the pid like an adopted one.
      if (!exit) this.#ownChild = false;
      else if (this.pid === pid) this.#exited(pod, sb, exitCodeOf(exit.code, exit.signal, constants.signals as Record<string, number>), exit.signal);
    });
    this.ctx.events.record(pod, 'Normal', 'Created', `Created container ${this.name}`, this.name);
    this.ctx.events.record(pod, 'Normal', 'Started', `Started container ${this.name}`, this.name);
    this.#startProbes(pod, sb);
  }

  /** Takes over a process a previous agent started; exits are noticed by `pollAdopted`. */
  adopt(pod: Pod, sb: SandboxInfo, record: ContainerRecord): void {
    this.record = record;
    this.#ownChild = false;
    if (record.pid && record.startedAt && !record.terminated && isAlive(record.pid)) {
      this.state = { kind: 'running', startedAt: record.startedAt, pid: record.pid };
      this.#pump = new LogPump(this.logPath(sb));
      this.#pump.start();
      this.#startProbes(pod, sb);
    } else if (record.terminated) {
      this.state = { kind: 'terminated', terminated: record.terminated };
    } else if (record.pid) {
      // It ended while no agent watched: the exit code is lost, as with the kubelet's ContainerStatusUnknown.
      new LogPump(this.logPath(sb)).finish();
      this.#recordExit(pod, sb, { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), startedAt: record.startedAt });
    }
  }

  /** For adopted processes (not our children): notice their exit. */
  pollAdopted(pod: Pod, sb: SandboxInfo): void {
    if (this.state.kind !== 'running' || this.#ownChild) return;
    if (!isAlive(this.state.pid)) this.#exited(pod, sb, 137, null, true);
  }

  #ownChild = false;

  #exited(pod: Pod, sb: SandboxInfo, exitCode: number, signal: NodeJS.Signals | null, unknown = false): void {
    if (this.state.kind !== 'running') return;
    this.#pump?.finish();
    const t: Terminated = {
      exitCode,
      ...(signal ? { signal: (constants.signals as Record<string, number>)[signal] } : {}),
      reason: unknown ? 'ContainerStatusUnknown' : terminatedReason(exitCode),
      startedAt: this.state.startedAt,
      finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      containerID: this.containerId(sb),
    };
    this.#recordExit(pod, sb, t);
  }

  #recordExit(_pod: Pod, _sb: SandboxInfo, t: Terminated): void {
    this.#stopProbes();
    this.ready = false;
    this.started = false;
    this.record = { ...this.record, pid: undefined, terminated: t };
    this.state = { kind: 'terminated', terminated: t };
    for (const w of this.#exitWaiters.splice(0)) w();
    this.onChange();
  }

  /** Moves the last exit to lastState and counts a restart (the new start follows). */
  prepareRestart(): void {
    if (this.record.terminated) {
      this.record = { ...this.record, lastTerminated: this.record.terminated, terminated: undefined, pendingRestart: true };
    }
  }

  #startProbes(pod: Pod, sb: SandboxInfo): void {
    this.#stopProbes();
    const target = { host: sb.hostNetwork ? this.ctx.nodeIP : sb.ip, pid: () => this.pid, hostNetwork: sb.hostNetwork, container: this.spec };
    const startup = this.spec.startupProbe;
    this.started = !startup;
    this.ready = !this.spec.readinessProbe && this.started;
    const add = (kind: ProbeKind, spec: NonNullable<ContainerSpec['readinessProbe']>, onChange: (ok: boolean, msg: string) => void) => {
      const loop = new ProbeLoop(kind, spec, target, (ok, o) => onChange(ok, o.message));
      this.#probes.set(kind, loop);
      loop.start();
    };
    const startReadyAndLive = () => {
      if (this.spec.readinessProbe)
        add('readiness', this.spec.readinessProbe, (ok, msg) => {
          this.ready = ok;
          if (!ok) this.ctx.events.record(pod, 'Warning', 'Unhealthy', `Readiness probe failed: ${msg}`, this.name);
          this.onChange();
        });
      if (this.spec.livenessProbe)
        add('liveness', this.spec.livenessProbe, (ok, msg) => {
          if (ok) return;
          this.ctx.events.record(pod, 'Warning', 'Unhealthy', `Liveness probe failed: ${msg}`, this.name);
          this.ctx.events.record(pod, 'Normal', 'Killing', `Container ${this.name} failed liveness probe, will be restarted`, this.name);
          void this.stop(pod, (pod.spec.terminationGracePeriodSeconds ?? 30) * 1000);
        });
    };
    if (startup) {
      add('startup', startup, (ok, msg) => {
        if (!ok) {
          this.ctx.events.record(pod, 'Warning', 'Unhealthy', `Startup probe failed: ${msg}`, this.name);
          void this.stop(pod, (pod.spec.terminationGracePeriodSeconds ?? 30) * 1000);
          return;
        }
        this.started = true;
        this.ready = !this.spec.readinessProbe;
        this.#probes.get('startup')?.stop();
        startReadyAndLive();
        this.onChange();
      });
    } else startReadyAndLive();
  }

  #stopProbes(): void {
    for (const p of this.#probes.values()) p.stop();
    this.#probes.clear();
  }

  /** preStop, SIGTERM, wait up to the grace period, SIGKILL. Resolves when the process is gone. */
  async stop(pod: Pod, graceMs: number): Promise<void> {
    const pid = this.pid;
    if (pid === undefined || this.#stopping) {
      await this.#waitExit(graceMs + 5_000);
      return;
    }
    this.#stopping = true;
    try {
      this.#stopProbes();
      const deadline = Date.now() + graceMs;
      if (this.spec.lifecycle?.preStop) await this.#runHandler(this.spec.lifecycle.preStop, pid, pod, Math.max(0, deadline - Date.now()));
      signalGroup(pid, 'SIGTERM');
      const exited = await this.#waitExit(Math.max(0, deadline - Date.now()));
      if (!exited) {
        signalGroup(pid, 'SIGKILL');
        await this.#waitExit(5_000);
      }
    } finally {
      this.#stopping = false;
    }
  }

  /** A process we did not spawn has no exit event: poll it while waiting. */
  #waitExit(ms: number): Promise<boolean> {
    if (this.state.kind !== 'running') return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        clearInterval(poll);
        resolve(this.state.kind !== 'running');
      }, ms);
      const poll = setInterval(() => {
        if (this.state.kind === 'running' && !isAlive(this.state.pid)) {
          // our child's 'exit' event may lag a little; an adopted one never sends one
          if (!this.#ownChild) this.#exitedUnknown();
        }
      }, 200);
      this.#exitWaiters.push(() => {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(true);
      });
    });
  }

  #exitedUnknown(): void {
    if (this.state.kind !== 'running') return;
    this.#pump?.finish();
    this.#recordExit(undefined as never, undefined as never, { exitCode: 137, reason: 'Error', startedAt: this.state.startedAt, finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
  }

  async #runHandler(h: LifecycleHandler, pid: number, pod: Pod, timeoutMs: number): Promise<void> {
    try {
      if (h.exec?.command?.length) {
        const [cmd, ...args] = enterCommand(pid, Boolean(pod.spec.hostNetwork), h.exec.command);
        await runCommand(cmd, args, undefined, timeoutMs);
      } else if (h.httpGet) {
        const port = resolvePort(h.httpGet.port, this.spec);
        const host = h.httpGet.host || (pod.status?.podIP ?? this.ctx.nodeIP);
        await new Promise<void>((resolve) => {
          const req = request({ host, port, path: h.httpGet!.path || '/', timeout: timeoutMs }, (res) => {
            res.resume();
            res.on('end', resolve);
          });
          req.on('error', () => resolve());
          req.on('timeout', () => req.destroy());
          req.end();
        });
      } else if (h.sleep) await new Promise((r) => setTimeout(r, Math.min(h.sleep!.seconds * 1000, timeoutMs)));
    } catch (err) {
      log.warn('preStop hook failed', { pod: pod.metadata.name, container: this.name, err });
      this.ctx.events.record(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${(err as Error).message}`, this.name);
    }
  }

  /** Agent shutdown that leaves the container running. */
  suspend(): void {
    this.#stopProbes();
    this.#pump?.suspend();
  }
}

