/** Shared state of one iptables render: the settings in force and the four output buffers. */
import type { NodeTopology } from '../endpoints.js';
import type { IPFamily } from '../ip.js';
import type { IptablesProfile } from './config.js';
import type { RestoreDump, RestoreRule } from './restore-text.js';

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
}

/** The filter and nat chain declarations and rules, in kube-proxy's write order. */
export class RestoreBuffers {
  readonly #filterChains: string[] = [];
  readonly #filterRules: RestoreRule[] = [];
  readonly #natChains: string[] = [];
  readonly #natRules: RestoreRule[] = [];
  readonly #natDeleted: string[] = [];

  filterChain(name: string): void {
    this.#filterChains.push(name);
  }

  natChain(name: string): void {
    this.#natChains.push(name);
  }

  filter(...args: readonly string[]): void {
    this.#filterRules.push({ chain: args[1]!, line: args.join(' ') });
  }

  nat(...args: readonly string[]): void {
    this.#natRules.push({ chain: args[1]!, line: args.join(' ') });
  }

  /** A rule already split into chain and line (fragments). */
  rule(table: 'filter' | 'nat', rule: RestoreRule): void {
    (table === 'filter' ? this.#filterRules : this.#natRules).push(rule);
  }

  natDelete(chain: string): void {
    this.#natDeleted.push(chain);
  }

  /** The same content as a parsed restore text, without printing and re-parsing it. */
  dump(): RestoreDump {
    return {
      tables: [
        { name: 'filter', chains: this.#filterChains, rules: this.#filterRules, deletedChains: [] },
        { name: 'nat', chains: this.#natChains, rules: this.#natRules, deletedChains: this.#natDeleted },
      ],
    };
  }
}

/** Comments passed to iptables are quoted by the caller when they contain spaces, as upstream does. */
export function quoted(text: string): string {
  return `"${text}"`;
}
