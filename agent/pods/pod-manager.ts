/**
 * The pods of this node: an informer on pods with spec.nodeName=<node>, one PodWorker per pod UID,
 * a work queue so each pod syncs serially, adoption of what a previous agent left running, and
 * removal of everything that belongs to pods that no longer exist.
 */
import { findResource } from '../../api/resources.js';
import { Informer, type ApiClient, type ResourceType } from '../../client/index.js';
import { logger } from '../../common/log.js';
import { WorkQueue } from '../../controllers/lib/workqueue.js';
import { podNetnsName } from '../names.js';
import { listHostLinkHashes, removePodNetwork } from '../net/pod-network.js';
import { removeSandboxDirs, sandboxDirHashes } from '../net/sandbox-holder.js';
import type { Pod } from '../pod/types.js';
import type { AgentContext } from './context.js';
import { loadRecords, podDir, type PodRecord } from './pod-record.js';
import { PodWorker } from './pod-worker.js';
import { mark } from '../trace.js';
import { rmSync, existsSync } from 'node:fs';

const pods = findResource('', 'v1', 'pods')! as ResourceType;
const log = logger('agent/pods');

export class PodManager {
  readonly workers = new Map<string, PodWorker>();
  readonly informer: Informer<Pod>;
  readonly queue: WorkQueue;
  #pollTimer?: NodeJS.Timeout;
  #closed = false;
  #ctx!: AgentContext;

  constructor(client: ApiClient, nodeName: string) {
    this.informer = new Informer<Pod>(client, pods, { fieldSelector: `spec.nodeName=${nodeName}` });
    // Syncs mostly wait (network setup, API writes); many at once let a burst share network batches.
    this.queue = new WorkQueue((uid) => this.#sync(uid), { workers: 128, baseDelayMs: 200, maxDelayMs: 30_000 }, (uid, err) => log.warn('pod sync failed, will retry', { uid, err }));
  }

  /** The worker of a pod by namespace/name (kubelet API). */
  find(namespace: string, name: string): PodWorker | undefined {
    for (const w of this.workers.values()) if (w.pod.metadata.namespace === namespace && w.pod.metadata.name === name && !w.finished) return w;
    return undefined;
  }

  async start(ctx: AgentContext): Promise<void> {
    this.#ctx = ctx;
    this.informer.start();
    await this.informer.waitForSync();
    await this.#adoptOrClean(loadRecords(ctx.agentDir));
    this.informer.addEventHandler({
      onAdd: (p) => this.#observe(p),
      onUpdate: (_o, p) => this.#observe(p),
      onDelete: (p) => {
        const w = this.workers.get(p.metadata.uid!);
        if (!w) return;
        w.gone = true;
        this.queue.add(w.uid);
      },
    });
    // Processes a previous agent started send us no exit event: look at them now and then.
    this.#pollTimer = setInterval(() => {
      for (const w of this.workers.values()) w.pollAdopted();
      for (const w of this.workers.values()) for (const c of w.allRunners) c.pump?.drain();
    }, 1000);
  }

  enqueue(uid: string): void {
    if (!this.#closed) this.queue.add(uid);
  }

  #observe(p: Pod): void {
    if (this.#closed) return;
    const uid = p.metadata.uid!;
    let w = this.workers.get(uid);
    if (!w) {
      // A pod that finished before this agent knew it (no record): never run it again; only finish its deletion.
      if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') {
        if (p.metadata.deletionTimestamp) void this.#ctx.client.delete(pods, p.metadata.namespace, p.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid } }).catch(() => {});
        return;
      }
      w = new PodWorker(p, this.#ctx, (done) => this.workers.delete(done.uid));
      this.workers.set(uid, w);
      mark(`${p.metadata.namespace}/${p.metadata.name}`, 'seen');
    } else w.pod = { ...p, status: p.status };
    this.queue.add(uid);
  }

  async #sync(uid: string): Promise<void> {
    const w = this.workers.get(uid);
    if (!w || w.finished) return;
    mark(`${w.pod.metadata.namespace}/${w.pod.metadata.name}`, 'sync');
    await w.sync();
  }

  /** Records of pods that still exist are adopted; the rest are removed with their network. */
  async #adoptOrClean(records: PodRecord[]): Promise<void> {
    const live = new Map(this.informer.list().map((p) => [p.metadata.uid!, p]));
    const known = new Set<string>();
    for (const r of records) {
      const pod = live.get(r.uid);
      if (r.hash) known.add(r.hash);
      if (pod && r.hash) {
        if (r.ip && !r.hostNetwork) this.#ctx.ipam.claim(r.uid, r.ip);
        const w = new PodWorker(pod, this.#ctx, (done) => this.workers.delete(done.uid));
        w.adopt(r);
        this.workers.set(r.uid, w);
        log.info('adopted pod', { pod: `${r.namespace}/${r.name}`, ip: r.ip });
      } else {
        await this.#removeOrphan(r);
      }
    }
    await this.#ctx.ipam.persist();
    // Host-side links in our namespace without any record: their peer namespaces are ours too.
    for (const hash of await listHostLinkHashes()) {
      if (known.has(hash)) continue;
      log.info('removing orphaned pod link', { link: hash, netns: podNetnsName(hash) });
      await removePodNetwork(hash);
    }
    // Sandbox files of no adopted pod (a crash between making them and recording the pod, or the pool's).
    const adopted = new Set([...this.workers.values()].map((w) => w.hash));
    removeSandboxDirs(this.#ctx.agentDir, sandboxDirHashes(this.#ctx.agentDir).filter((h) => !adopted.has(h)));
  }

  async #removeOrphan(r: PodRecord): Promise<void> {
    log.info('removing leftovers of a deleted pod', { pod: `${r.namespace}/${r.name}`, uid: r.uid });
    for (const c of Object.values(r.containers)) {
      if (!c.pid) continue;
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    if (r.hash && !r.hostNetwork) await removePodNetwork(r.hash);
    if (r.hash) removeSandboxDirs(this.#ctx.agentDir, [r.hash]);
    this.#ctx.ipam.release(r.uid);
    await this.#ctx.ipam.persist();
    const dir = podDir(this.#ctx.agentDir, r.uid);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }

  async close(removePods: boolean): Promise<void> {
    this.#closed = true;
    clearInterval(this.#pollTimer);
    await this.informer.stop();
    this.queue.stop();
    if (removePods) await Promise.all([...this.workers.values()].map((w) => w.destroy()));
    else for (const w of this.workers.values()) w.suspend();
    this.workers.clear();
  }
}
