/**
 * Pod address allocation from the node's pod CIDR, persisted in <data-dir>/agent/ipam.json (write
 * to a temporary file, then rename) so that two pods never share an address, not even across agent
 * restarts (the agent also claims the addresses its pod records carry, which are written before a
 * pod's namespace is made). Writes are grouped (all changes made while one write runs go into the
 * next) and off the event loop: a burst of pods replaced the file once per pod. Addresses are handed out round-robin from the last one given, so
 * a freed address is not reused at once (connections to a deleted pod do not reach its successor).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SvcnetError } from '../../common/errors.js';
import { numberToIp, ipToNumber, podAddressRange } from './cidr.js';

interface IpamFile {
  podCidr: string;
  last?: string;
  /** address → pod UID */
  allocations: Record<string, string>;
}

export class PodAddressAllocator {
  readonly #path: string;
  #state: IpamFile;
  /** The write in progress (or the last one). */
  #current: Promise<void> = Promise.resolve();
  /** A write queued behind it, which will include every change made until it starts. */
  #next?: Promise<void>;

  constructor(path: string, podCidr: string) {
    this.#path = path;
    const loaded = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as IpamFile) : undefined;
    // A new pod CIDR (the node was re-registered elsewhere in the range) invalidates every allocation.
    this.#state = loaded && loaded.podCidr === podCidr ? loaded : { podCidr, allocations: {} };
  }

  /** The pod's address: the one it already has, else the next free one (in memory; `persist()` writes it). */
  allocate(uid: string): string {
    const existing = this.addressOf(uid);
    if (existing) return existing;
    const { first, last } = podAddressRange(this.#state.podCidr);
    const size = last - first + 1;
    const start = this.#state.last ? ipToNumber(this.#state.last) + 1 : first;
    for (let i = 0; i < size; i++) {
      const n = first + ((start - first + i + size) % size);
      const ip = numberToIp(n);
      if (!this.#state.allocations[ip]) {
        this.#state.allocations[ip] = uid;
        this.#state.last = ip;
        return ip;
      }
    }
    throw new SvcnetError('AddressesExhausted', `agent: no free pod address left in ${this.#state.podCidr}`);
  }

  /** Records an address a pod already uses (from its pod record, after a restart), unless another pod holds it. */
  claim(uid: string, ip: string): void {
    this.#state.allocations[ip] ??= uid;
  }

  addressOf(uid: string): string | undefined {
    return Object.entries(this.#state.allocations).find(([, owner]) => owner === uid)?.[0];
  }

  /** Hands the address `from` holds to `to` (a pooled sandbox's address to the pod that takes it). */
  transfer(from: string, to: string): void {
    for (const [ip, owner] of Object.entries(this.#state.allocations)) if (owner === from) this.#state.allocations[ip] = to;
  }

  /** How many addresses are still free. */
  freeCount(): number {
    const { first, last } = podAddressRange(this.#state.podCidr);
    return last - first + 1 - Object.keys(this.#state.allocations).length;
  }

  /** Frees the pod's address (in memory; `persist()` writes it). */
  release(uid: string): void {
    for (const [ip, owner] of Object.entries(this.#state.allocations)) if (owner === uid) delete this.#state.allocations[ip];
  }

  /** UID of every pod holding an address. */
  owners(): string[] {
    return [...new Set(Object.values(this.#state.allocations))];
  }

  /** Resolves once every change made before the call is on disk. */
  persist(): Promise<void> {
    if (this.#next) return this.#next;
    const next = this.#current
      .catch(() => {})
      .then(() => {
        this.#next = undefined;
        return this.#write(JSON.stringify(this.#state, null, 1));
      });
    this.#next = next;
    this.#current = next;
    return next;
  }

  async #write(text: string): Promise<void> {
    mkdirSync(dirname(this.#path), { recursive: true });
    const tmp = `${this.#path}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, this.#path);
  }
}
