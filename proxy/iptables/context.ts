/** Shared state of one iptables render: the settings in force and the four output buffers. */
import type { NodeTopology } from '../endpoints.js';
import type { IPFamily } from '../ip.js';
import type { IptablesProfile } from './config.js';

/** iptables match args for "from a pod" / "not from a pod" (kube-proxy's LocalTrafficDetector). */
export interface LocalDetector {
  readonly ifLocal: readonly string[];
  readonly ifNotLocal: readonly string[];
}

export interface RenderContext {
  readonly ipFamily: IPFamily;
  readonly profile: IptablesProfile;
  /** The masquerade mark as text, e.g. 0x00004000. */
  readonly mark: string;
  readonly masqueradeAll: boolean;
  readonly localhostNodePorts: boolean;
  /** Undefined when no cluster CIDR is configured: rules needing it are omitted. */
  readonly detector: LocalDetector | undefined;
  readonly primaryNodeIP: string | undefined;
  readonly nodeTopology: NodeTopology;
  /** More than 1000 endpoints: per-endpoint comments are left out to shrink the ruleset. */
  readonly largeClusterMode: boolean;
  readonly nodePortAddresses: readonly string[] | undefined;
  /** Partial sync: only these services ("ns/name") get their chains rewritten. */
  readonly changedServices: ReadonlySet<string> | undefined;
}

/** The filter and nat chain-declaration and rule buffers, in kube-proxy's write order. */
export class RestoreBuffers {
  readonly #filterChains: string[] = [];
  readonly #filterRules: string[] = [];
  readonly #natChains: string[] = [];
  readonly #natRules: string[] = [];

  filterChain(name: string): void {
    this.#filterChains.push(`:${name} - [0:0]`);
  }

  natChain(name: string): void {
    this.#natChains.push(`:${name} - [0:0]`);
  }

  filter(...args: readonly string[]): void {
    this.#filterRules.push(args.join(' '));
  }

  nat(...args: readonly string[]): void {
    this.#natRules.push(args.join(' '));
  }

  natDelete(chain: string): void {
    this.#natRules.push(`-X ${chain}`);
  }

  text(): string {
    return ['*filter', ...this.#filterChains, ...this.#filterRules, 'COMMIT', '*nat', ...this.#natChains, ...this.#natRules, 'COMMIT', ''].join('\n');
  }
}

/** Comments passed to iptables are quoted by the caller when they contain spaces, as upstream does. */
export function quoted(text: string): string {
  return `"${text}"`;
}
