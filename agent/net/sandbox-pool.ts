/**
 * Pod networks made ahead of time. Making a pod's network namespace, veth pair, address and route
 * is most of a pod's start in a burst (100 pods: about two seconds of `ip` work, even batched),
 * so the agent keeps up to `size` of them ready while it is idle, each holding an address from
 * the node's range, and a new pod takes one instead of waiting (its address is the sandbox's).
 *
 * Pooled sandboxes are named like pods' (`svcnet-<9 random hex digits>`, host link
 * `svcnet<hash>`), come with their holder process and files (sandbox-holder.ts), and each has a marker file `<agent-dir>/sandbox-pool/<hash>` written before
 * its namespace is made ("pending", then "ready"); a pod that takes one writes its pod record
 * (which then names the sandbox) before the marker goes. Markers left by an earlier agent are
 * removed with their namespaces on start, and `close()` removes every pooled sandbox, so the pool
 * never outlives the agent. The pool refills once no pod took a sandbox for `idleMs`, a few at a
 * time, so refilling does not compete with the pod starts of a burst.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '../../common/log.js';
import type { PodAddressAllocator } from './ipam.js';
import type { PodNetworkBatcher } from './network-batch.js';
import { hasLeftovers, removePodNetworks } from './pod-network.js';
import { hashNamedEntries, prepareSandboxDir, removeSandboxDirs, sandboxDir } from './sandbox-holder.js';
import { randomSandboxHash } from '../names.js';

const log = logger('agent/pool');

export interface PooledSandbox {
  hash: string;
  ip: string;
  /** Its holder process (sandbox-holder.ts), in its namespaces. */
  holderPid: number;
}

export interface SandboxPoolOptions {
  size: number;
  /** `<agent-dir>/sandbox-pool` */
  dir: string;
  ipam: PodAddressAllocator;
  networks: PodNetworkBatcher;
  podCidr: string;
  /** The agent's directory: sandboxes' files go to `<agentDir>/sandboxes/<hash>`. */
  agentDir: string;
  /** Refill only after this long without a pod taking a sandbox. */
  idleMs?: number;
  /** Sandboxes made per network batch while refilling. */
  chunk?: number;
}

/** The ipam owner of a pooled sandbox's address. */
export function poolOwner(hash: string): string {
  return `sandbox-pool/${hash}`;
}

/** Hashes of the pooled sandboxes an agent left in `dir` (for cleanup, here and in tests). */
export function poolMarkers(dir: string): string[] {
  return hashNamedEntries(dir);
}

/**
 * On agent start: removes the pooled sandboxes a previous agent left (their markers) and frees
 * their addresses. A marker whose hash a pod record names was taken by that pod: only the marker goes.
 */
export async function removePoolLeftovers(dir: string, agentDir: string, ipam: PodAddressAllocator, podHashes: Set<string>): Promise<void> {
  const hashes = poolMarkers(dir);
  const orphans = hashes.filter((h) => !podHashes.has(h));
  if (orphans.length > 0) log.info('removing the sandbox pool of an earlier agent', { sandboxes: orphans.length });
  await removePodNetworks(orphans);
  removeSandboxDirs(agentDir, orphans);
  for (const h of hashes) rmSync(join(dir, h), { force: true });
  for (const owner of ipam.owners()) if (owner.startsWith('sandbox-pool/')) ipam.release(owner);
  await ipam.persist();
}

export class SandboxPool {
  readonly #ready: PooledSandbox[] = [];
  #filling?: Promise<void>;
  #timer?: NodeJS.Timeout;
  #lastClaim = 0;
  #closed = false;
  readonly #idleMs: number;
  readonly #chunk: number;

  constructor(readonly opts: SandboxPoolOptions) {
    this.#idleMs = opts.idleMs ?? 1000;
    this.#chunk = opts.chunk ?? 16;
    mkdirSync(opts.dir, { recursive: true });
  }

  /** Sandboxes ready to be taken. */
  get readyCount(): number {
    return this.#ready.length;
  }

  start(): void {
    this.#schedule(0);
  }

  /** A ready sandbox for the pod `uid` (its address now belongs to the pod), or undefined. */
  claim(uid: string): PooledSandbox | undefined {
    if (this.#closed) return undefined;
    this.#lastClaim = Date.now();
    const sb = this.#ready.shift();
    if (sb) this.opts.ipam.transfer(poolOwner(sb.hash), uid);
    this.#schedule(this.#idleMs);
    return sb;
  }

  /** The pod that took `hash` has recorded it: the marker goes. */
  taken(hash: string): void {
    rmSync(join(this.opts.dir, hash), { force: true });
  }

  #schedule(delayMs: number): void {
    if (this.#closed || this.opts.size <= 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#fill(), delayMs);
    this.#timer.unref();
  }

  #fill(): Promise<void> {
    this.#filling ??= this.#fillLoop()
      .catch((err: unknown) => log.warn('cannot refill the sandbox pool', { err }))
      .finally(() => (this.#filling = undefined));
    return this.#filling;
  }

  async #fillLoop(): Promise<void> {
    while (!this.#closed && this.#ready.length < this.opts.size) {
      const quietFor = Date.now() - this.#lastClaim;
      if (quietFor < this.#idleMs) return this.#schedule(this.#idleMs - quietFor);
      const n = Math.min(this.#chunk, this.opts.size - this.#ready.length, this.opts.ipam.freeCount());
      if (n <= 0) return;
      if (!(await this.#make(n))) return this.#schedule(30_000);
    }
  }

  /** Makes `n` sandboxes in one network batch; false if that failed (retried later). */
  async #make(n: number): Promise<boolean> {
    const made: PooledSandbox[] = [];
    for (let i = 0; i < n; i++) {
      const hash = randomSandboxHash();
      if (hasLeftovers(hash)) continue;
      writeFileSync(join(this.opts.dir, hash), 'pending');
      prepareSandboxDir(sandboxDir(this.opts.agentDir, hash));
      made.push({ hash, ip: this.opts.ipam.allocate(poolOwner(hash)), holderPid: 0 });
    }
    await this.opts.ipam.persist();
    const results = await Promise.allSettled(made.map((sb) => this.opts.networks.create({ hash: sb.hash, ip: sb.ip, podCidr: this.opts.podCidr, dir: sandboxDir(this.opts.agentDir, sb.hash) })));
    const failed = made.filter((_, i) => results[i].status === 'rejected');
    made.forEach((sb, i) => {
      const r = results[i];
      if (r.status === 'fulfilled') sb.holderPid = r.value;
    });
    for (const sb of made) {
      if (failed.includes(sb)) continue;
      if (this.#closed) failed.push(sb);
      else {
        writeFileSync(join(this.opts.dir, sb.hash), 'ready');
        this.#ready.push(sb);
      }
    }
    if (failed.length > 0) await this.#remove(failed);
    const err = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (err) log.warn('cannot make pooled sandboxes', { failed: failed.length, err: err.reason });
    return !err;
  }

  async #remove(sandboxes: PooledSandbox[]): Promise<void> {
    await removePodNetworks(sandboxes.map((sb) => sb.hash));
    removeSandboxDirs(this.opts.agentDir, sandboxes.map((sb) => sb.hash));
    for (const sb of sandboxes) {
      this.opts.ipam.release(poolOwner(sb.hash));
      rmSync(join(this.opts.dir, sb.hash), { force: true });
    }
    await this.opts.ipam.persist();
  }

  /** Stops refilling and removes every pooled sandbox (taken ones belong to their pods). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#filling;
    await this.#remove(this.#ready.splice(0));
    if (existsSync(this.opts.dir) && poolMarkers(this.opts.dir).length === 0) rmSync(this.opts.dir, { recursive: true, force: true });
  }
}
