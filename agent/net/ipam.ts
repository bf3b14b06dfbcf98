/**
 * Pod address allocation from the node's pod CIDR, persisted in <data-dir>/agent/ipam.json after
 * every change (write to a temporary file, then rename) so that two pods never share an address,
 * not even across agent restarts. Addresses are handed out round-robin from the last one given, so
 * a freed address is not reused at once (connections to a deleted pod do not reach its successor).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

  constructor(path: string, podCidr: string) {
    this.#path = path;
    const loaded = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as IpamFile) : undefined;
    // A new pod CIDR (the node was re-registered elsewhere in the range) invalidates every allocation.
    this.#state = loaded && loaded.podCidr === podCidr ? loaded : { podCidr, allocations: {} };
  }

  /** The pod's address: the one it already has, else the next free one. */
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
        this.#save();
        return ip;
      }
    }
    throw new SvcnetError('AddressesExhausted', `agent: no free pod address left in ${this.#state.podCidr}`);
  }

  addressOf(uid: string): string | undefined {
    return Object.entries(this.#state.allocations).find(([, owner]) => owner === uid)?.[0];
  }

  release(uid: string): void {
    let changed = false;
    for (const [ip, owner] of Object.entries(this.#state.allocations)) {
      if (owner === uid) {
        delete this.#state.allocations[ip];
        changed = true;
      }
    }
    if (changed) this.#save();
  }

  /** UID of every pod holding an address. */
  owners(): string[] {
    return [...new Set(Object.values(this.#state.allocations))];
  }

  #save(): void {
    mkdirSync(dirname(this.#path), { recursive: true });
    const tmp = `${this.#path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.#state, null, 1));
    renameSync(tmp, this.#path);
  }
}
