/**
 * Pod networks made in batches. Spawning a process from the agent (a large Node process) blocks
 * its event loop for milliseconds, and one pod's network took three `ip` runs; a burst of 100
 * pods spent seconds in spawns. Here the requests that arrive while a batch runs wait for the
 * next one, and each batch is one `sh` running one `ip -batch` for every namespace and host link
 * of the batch, then one `ip -n <netns> -batch` per pod (forks of a small shell are cheap and off
 * the agent's event loop). If a batch fails, its pods are made one by one, each with leftovers
 * removed first, so one bad pod only fails itself. Each sandbox also gets its holder process
 * (sandbox-holder.ts), all of a batch started by one more `sh` once the namespaces exist.
 */
import { logger } from '../../common/log.js';
import { podNetnsName } from '../names.js';
import { createPodNetwork, hasLeftovers, hostSideCommands, podSideCommands, startHolders, type PodNetworkSpec } from './pod-network.js';
import { runCommand } from './run.js';

const log = logger('agent/net');

interface Request {
  spec: PodNetworkSpec;
  /** With the pid of the sandbox's holder. */
  resolve: (holderPid: number) => void;
  reject: (err: unknown) => void;
}

/** `ip <args> -batch -` reading `lines` from a here-document, then `then` (`|| exit 1`, `&`); names are hex hashes and addresses, never user text. */
function ipBatch(ipArgs: string, lines: string[], then: string): string {
  return `ip ${ipArgs ? `${ipArgs} ` : ''}-batch - <<'SVCNET_EOF' ${then}\n${lines.join('\n')}\nSVCNET_EOF\n`;
}

/**
 * The shell script creating the networks of several pods (none of them has leftovers): the node
 * side in one `ip` run (iproute2 ≥ 4.x returns to the caller's namespace after `netns add` in
 * batch mode), then each pod's side, in parallel; it fails if any `ip` run fails.
 */
export function batchScript(specs: PodNetworkSpec[]): string {
  const host = specs.flatMap((s) => [`netns add ${podNetnsName(s.hash)}`, ...hostSideCommands(s)]);
  const podSides = specs.map((s) => `${ipBatch(`-n ${podNetnsName(s.hash)}`, podSideCommands(s), '&')}pids="$pids $!"\n`);
  return `${ipBatch('', host, '|| exit 1')}pids=''\n${podSides.join('')}failed=0\nfor p in $pids; do wait $p || failed=1; done\nexit $failed\n`;
}

export class PodNetworkBatcher {
  #pending: Request[] = [];
  #running = false;

  constructor(readonly maxBatch = 64) {}

  /** Makes the pod network and its holder (sandbox-holder.ts); resolves with the holder's pid. */
  create(spec: PodNetworkSpec): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ spec, resolve, reject });
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#pending.length > 0) await this.#runBatch(this.#pending.splice(0, this.maxBatch));
    } finally {
      this.#running = false;
    }
  }

  async #runBatch(batch: Request[]): Promise<void> {
    let oneByOne = batch;
    const clean = batch.filter((q) => !hasLeftovers(q.spec.hash));
    if (clean.length > 0) {
      const r = await runCommand('sh', ['-c', batchScript(clean.map((q) => q.spec))]);
      const holders = r.code === 0 ? await startHolders(clean.map((q) => q.spec)).catch((err: unknown) => err as Error) : new Error(r.stderr.trim());
      if (holders instanceof Map) {
        for (const q of clean) q.resolve(holders.get(q.spec.hash)!);
        oneByOne = batch.filter((q) => !clean.includes(q));
      } else log.warn('batched pod network setup failed, making the pods one by one', { pods: clean.length, err: holders.message });
    }
    await Promise.all(oneByOne.map((q) => createPodNetwork(q.spec).then(q.resolve, q.reject)));
  }
}
