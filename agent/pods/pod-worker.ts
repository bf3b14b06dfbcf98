/**
 * One pod on this node: its sandbox (network namespace, address, resolv.conf, hosts), its
 * containers in order (init containers one after another, then the others), restarts with
 * back-off, status reports through pods/status, and graceful termination ending in the pod's
 * final deletion. `sync()` is idempotent and runs serialized per pod (the manager's work queue).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { findResource } from '../../api/resources.js';
import { isNotFound, type ResourceType } from '../../client/index.js';
import { logger } from '../../common/log.js';
import { podHash } from '../names.js';
import { removePodNetwork } from '../net/pod-network.js';
import { prepareSandboxDir, removeSandboxDirs, sandboxDir, setHolderHostname, writeSandboxFiles } from '../net/sandbox-holder.js';
import { podFqdn, podHostname, renderHostsFile } from '../pod/hosts-file.js';
import { podResolvConf, renderResolvConf } from '../pod/resolv-conf.js';
import type { Pod, PodStatusJson } from '../pod/types.js';
import type { AgentContext } from './context.js';
import { ContainerRunner, type SandboxInfo } from './container-runner.js';
import { nextBackoffSeconds, shouldRestart, type RestartPolicy } from './lifecycle.js';
import { podDir, saveRecord, type PodRecord } from './pod-record.js';
import { buildPodStatus } from './pod-status.js';
import { mark } from '../trace.js';

const pods = findResource('', 'v1', 'pods')! as ResourceType;
const log = logger('agent/pod');

function secondsNow(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export class PodWorker {
  pod: Pod;
  readonly uid: string;
  /** Names the pod's network namespace and host link: a hash of the UID, or that of the pooled sandbox it took. */
  hash: string;
  sandbox?: SandboxInfo;
  readonly initContainers: ContainerRunner[];
  readonly containers: ContainerRunner[];
  /** The pod is gone from the API (force deletion): stop without waiting for a deletionTimestamp. */
  gone = false;
  #terminating?: Promise<void>;
  #lastStatus = '';
  #savedRecord = '';
  #startTime = secondsNow();
  #retryTimer?: NodeJS.Timeout;
  /** Set once the worker removed everything; the manager forgets it then. */
  finished = false;

  constructor(
    pod: Pod,
    readonly ctx: AgentContext,
    readonly onFinished: (w: PodWorker) => void,
  ) {
    this.pod = pod;
    this.uid = pod.metadata.uid!;
    this.hash = podHash(this.uid);
    const changed = () => ctx.enqueue(this.uid);
    this.initContainers = (pod.spec.initContainers ?? []).map((c) => new ContainerRunner(c, true, ctx, changed));
    this.containers = pod.spec.containers.map((c) => new ContainerRunner(c, false, ctx, changed));
  }

  get allRunners(): ContainerRunner[] {
    return [...this.initContainers, ...this.containers];
  }

  get policy(): RestartPolicy {
    return this.pod.spec.restartPolicy ?? 'Always';
  }

  get dir(): string {
    return podDir(this.ctx.agentDir, this.uid);
  }

  record(): PodRecord {
    return {
      uid: this.uid,
      namespace: this.pod.metadata.namespace!,
      name: this.pod.metadata.name!,
      hash: this.hash,
      hostNetwork: Boolean(this.pod.spec.hostNetwork),
      ip: this.sandbox?.ip,
      holderPid: this.sandbox?.holderPid,
      startTime: this.#startTime,
      containers: Object.fromEntries(this.allRunners.map((c) => [c.name, c.record])),
    };
  }

  /** Writes the record when it changed since the last write (each write is a file replace). */
  save(): void {
    if (!this.finished) this.#write(this.record());
  }

  #write(record: PodRecord): void {
    const text = JSON.stringify(record);
    if (text === this.#savedRecord) return;
    saveRecord(this.ctx.agentDir, record);
    this.#savedRecord = text;
  }

  /** Takes over a pod a previous agent ran: its sandbox exists, its processes may still run. */
  adopt(r: PodRecord): void {
    this.#startTime = r.startTime || this.#startTime;
    if (r.hash) this.hash = r.hash;
    if (r.ip) this.sandbox = { ...this.#sandboxInfo(r.ip), holderPid: r.holderPid };
    if (!this.sandbox) return;
    // A pod of an agent from before sandbox directories: its restarts need the files there.
    if (!existsSync(this.sandbox.dir)) prepareSandboxDir(this.sandbox.dir, this.#podFiles(this.sandbox));
    for (const c of this.allRunners) {
      const cr = r.containers[c.name];
      if (cr) c.adopt(this.pod, this.sandbox, cr);
    }
  }

  #sandboxInfo(ip: string): SandboxInfo {
    return { hash: this.hash, podDir: this.dir, dir: sandboxDir(this.ctx.agentDir, this.hash), ip, hostNetwork: Boolean(this.pod.spec.hostNetwork), hostname: this.pod.spec.hostNetwork ? this.ctx.nodeName : podHostname(this.pod.metadata.name!, this.pod.spec) };
  }

  async #ensureSandbox(): Promise<SandboxInfo> {
    if (this.sandbox) return this.sandbox;
    const hostNetwork = Boolean(this.pod.spec.hostNetwork);
    const pooled = hostNetwork || this.ctx.dryRun ? undefined : this.ctx.pool?.claim(this.uid);
    if (pooled) this.hash = pooled.hash;
    const ip = hostNetwork ? this.ctx.nodeIP : (pooled?.ip ?? this.ctx.ipam.allocate(this.uid));
    const sb = this.#sandboxInfo(ip);
    mkdirSync(this.dir, { recursive: true });
    // The record exists before the namespace does (or before a pooled one stops being the pool's):
    // a crash in between leaves something to clean. It carries the address too (a restarted agent
    // claims it again), so ipam.json may lag behind.
    this.#write({ ...this.record(), ip, holderPid: pooled?.holderPid });
    if (pooled) this.ctx.pool!.taken(pooled.hash);
    if (!hostNetwork) this.ctx.ipam.persist().catch((err: unknown) => log.warn('cannot write ipam.json', { err }));
    const files = this.#podFiles(sb);
    // A pooled sandbox's holder has its files bind-mounted already: rewrite them in place.
    if (pooled) writeSandboxFiles(sb.dir, files);
    else prepareSandboxDir(sb.dir, files);
    mark(this.#traceName, 'net-requested', { pooled: Boolean(pooled) });
    if (pooled) sb.holderPid = pooled.holderPid;
    else if (!hostNetwork && !this.ctx.dryRun) sb.holderPid = await this.ctx.networks.create({ hash: this.hash, ip, podCidr: this.ctx.podCidr, dir: sb.dir });
    mark(this.#traceName, 'net-ready');
    if (sb.holderPid) {
      try {
        await setHolderHostname(sb.dir, sb.holderPid, sb.hostname);
      } catch (err) {
        // Not fatal (a retry would take another pooled sandbox): without a holder, each container
        // start makes its own mount and UTS namespace and sets the hostname itself.
        log.warn('sandbox holder unusable, containers will start without it', { pod: this.#traceName, err });
        sb.holderPid = undefined;
      }
    }
    this.sandbox = sb;
    this.save();
    return sb;
  }

  /** The pod's resolv.conf and hosts. */
  #podFiles(sb: SandboxInfo): { resolvConf: string; hosts: string } {
    const ns = this.pod.metadata.namespace!;
    const resolv = podResolvConf(this.pod.spec, ns, { clusterDNS: this.ctx.clusterDNS, clusterDomain: this.ctx.clusterDomain, host: this.ctx.hostResolv });
    return {
      resolvConf: renderResolvConf(resolv),
      hosts: renderHostsFile({ podIP: sb.ip, hostname: sb.hostname, fqdn: podFqdn(sb.hostname, this.pod.spec, ns, this.ctx.clusterDomain), aliases: this.pod.spec.hostAliases }),
    };
  }

  get #traceName(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  get isTerminating(): boolean {
    return this.#terminating !== undefined;
  }

  /** Brings the pod towards its spec; called on every change. */
  async sync(): Promise<void> {
    if (this.finished) return;
    if (this.gone || this.pod.metadata.deletionTimestamp) {
      this.#terminating ??= this.#terminate();
      return;
    }
    const sb = await this.#ensureSandbox();
    let initDone = true;
    for (const c of this.initContainers) {
      if (c.state.kind === 'terminated' && c.state.terminated.exitCode === 0) continue;
      initDone = false;
      if (c.state.kind === 'running') break;
      await this.#startOrRestart(c, sb);
      break;
    }
    if (initDone) for (const c of this.containers) if (c.state.kind !== 'running') await this.#startOrRestart(c, sb);
    this.save();
    await this.publishStatus();
  }

  /** A stopped container starts again if the policy says so, after its back-off. */
  async #startOrRestart(c: ContainerRunner, sb: SandboxInfo): Promise<void> {
    const now = Date.now();
    const policy: RestartPolicy = c.isInit && this.policy === 'Always' ? 'OnFailure' : this.policy;
    if (c.state.kind === 'terminated') {
      if (!shouldRestart(policy, c.state.terminated.exitCode)) return;
      if (c.backoffUntil === 0) {
        const ranFor = c.record.startedAtMs ? now - c.record.startedAtMs : 0;
        const wait = nextBackoffSeconds(c.record.backoffSeconds, ranFor);
        c.record = { ...c.record, backoffSeconds: wait };
        c.backoffUntil = now + wait * 1000;
      }
      if (c.backoffUntil > now) {
        const secs = c.record.backoffSeconds ?? 10;
        c.prepareRestart();
        c.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message: `back-off ${secs < 60 ? `${secs}s` : `${Math.floor(secs / 60)}m${secs % 60}s`} restarting failed container=${c.name} pod=${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})` };
        this.ctx.events.record(this.pod, 'Warning', 'BackOff', 'Back-off restarting failed container ' + c.name + ' in pod ' + `${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`, c.name);
        this.#retryAt(c.backoffUntil);
        return;
      }
      c.prepareRestart();
    } else if (c.state.kind === 'waiting' && c.backoffUntil > now) {
      this.#retryAt(c.backoffUntil);
      return;
    }
    c.backoffUntil = 0;
    await c.start(this.pod, sb);
    if (c.state.kind === 'waiting' && c.backoffUntil > now) this.#retryAt(c.backoffUntil);
  }

  #retryAt(when: number): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.ctx.enqueue(this.uid), Math.max(0, when - Date.now()) + 10);
    this.#retryTimer.unref();
  }

  buildStatus(): PodStatusJson {
    const initDone = this.initContainers.every((c) => c.state.kind === 'terminated' && c.state.terminated.exitCode === 0);
    const initFailed = this.policy === 'Never' && this.initContainers.some((c) => c.state.kind === 'terminated' && c.state.terminated.exitCode !== 0);
    return buildPodStatus(
      {
        policy: this.policy,
        sandboxReady: this.sandbox !== undefined,
        podIP: this.sandbox?.ip,
        hostIP: this.ctx.nodeIP,
        startTime: this.#startTime,
        initContainers: this.initContainers.map((c) => c.view(this.sandbox)),
        containers: this.containers.map((c) => c.view(this.sandbox)),
        initDone,
        initFailed,
        previous: this.pod.status,
      },
      secondsNow(),
    );
  }

  /** Sends the status when it differs from what was last sent (built when its turn to be written comes). */
  async publishStatus(): Promise<void> {
    mark(this.#traceName, 'status-queued');
    await this.ctx.statusWrites.run(async () => {
      if (this.finished || this.gone) return;
      const status = this.buildStatus();
      const text = JSON.stringify(status);
      if (text === this.#lastStatus) return;
      const ready = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      mark(this.#traceName, 'status-sent', { ready });
      try {
        const updated = await this.ctx.client.patchStatus<Pod>(pods, this.pod.metadata.namespace, this.pod.metadata.name!, { status }, 'merge');
        mark(this.#traceName, 'status-acked', { ready });
        this.#lastStatus = text;
        if (updated.metadata.uid === this.uid) this.pod = { ...this.pod, status: updated.status };
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    });
  }

  /** Grace period: the deletion's, else the pod's, else 30 s. */
  #graceMs(): number {
    const s = this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, s) * 1000;
  }

  async #terminate(): Promise<void> {
    clearTimeout(this.#retryTimer);
    const grace = this.gone ? Math.min(this.#graceMs(), 2_000) : this.#graceMs();
    const running = this.allRunners.filter((c) => c.state.kind === 'running');
    for (const c of running) this.ctx.events.record(this.pod, 'Normal', 'Killing', `Stopping container ${c.name}`, c.name);
    await Promise.all(running.map((c) => c.stop(this.pod, grace)));
    await this.removeSandbox();
    if (!this.gone) {
      try {
        await this.ctx.client.delete(pods, this.pod.metadata.namespace, this.pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
      } catch (err) {
        if (!isNotFound(err) && !String((err as Error).message).includes('Precondition')) log.warn('final pod deletion failed', { pod: this.pod.metadata.name, err });
      }
    }
    this.finished = true;
    this.onFinished(this);
  }

  /** Network, address, files: everything of the pod except running processes (killed by removePodNetwork). */
  async removeSandbox(): Promise<void> {
    for (const c of this.allRunners) c.pump?.finish();
    if (!this.pod.spec.hostNetwork && !this.ctx.dryRun) await removePodNetwork(this.hash);
    this.ctx.ipam.release(this.uid);
    await this.ctx.ipam.persist();
    rmSync(this.dir, { recursive: true, force: true });
    removeSandboxDirs(this.ctx.agentDir, [this.hash]);
    this.sandbox = undefined;
  }

  /** Agent shutdown: containers keep running; probes and log pumps stop (the next agent resumes them). */
  suspend(): void {
    clearTimeout(this.#retryTimer);
    for (const c of this.allRunners) c.suspend();
    this.save();
  }

  /** `close({removePods})`: kill everything now. */
  async destroy(): Promise<void> {
    clearTimeout(this.#retryTimer);
    await Promise.all(this.allRunners.map((c) => c.stop(this.pod, 2_000)));
    await this.removeSandbox();
    this.finished = true;
  }

  pollAdopted(): void {
    if (!this.sandbox) return;
    for (const c of this.allRunners) c.pollAdopted(this.pod, this.sandbox);
  }
}
