/**
 * Applies the pod network on the node with iproute2: the bridge svcnet0 holding the gateway
 * address, and per pod a network namespace `svcnet-<hash>` joined to the bridge by a veth pair
 * (host side `svcnet<hash>`, pod side `eth0`). Nothing else on the node is touched except two
 * sysctls of the agent's network namespace:
 * - net.ipv4.ip_forward=1: pods reach the node's other networks and Service IPs through it;
 * - net.bridge.bridge-nf-call-iptables=1 (when the br_netfilter module is present; it is not
 *   loaded by the agent): a pod talking to a Service whose chosen endpoint is on the same bridge
 *   gets its reply bridged straight back, bypassing the conntrack entry of kube-proxy's DNAT
 *   unless bridged traffic passes iptables. Without it, same-node Service traffic breaks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SvcnetError } from '../../common/errors.js';
import { logger } from '../../common/log.js';
import { bridgeName, hashOfHostLink, hashOfNetns, hostLinkName, podNetnsName } from '../names.js';
import { gatewayOf, parseCidr } from './cidr.js';
import { run, runCommand } from './run.js';
import { holdersScript, parseHolderOutput } from './sandbox-holder.js';

const log = logger('agent/net');

async function linkExists(name: string): Promise<boolean> {
  return (await runCommand('ip', ['link', 'show', 'dev', name])).code === 0;
}

async function setSysctl(path: string, value: string): Promise<void> {
  const r = await runCommand('sysctl', ['-q', '-w', `${path}=${value}`]);
  if (r.code !== 0) log.warn('cannot set sysctl', { path, value, err: r.stderr.trim() });
}

/** Bridge with the gateway address, up; forwarding on. Idempotent. */
export async function ensureBridge(podCidr: string): Promise<void> {
  if (!(await linkExists(bridgeName))) await run('ip', ['link', 'add', bridgeName, 'type', 'bridge']);
  const gw = `${gatewayOf(podCidr)}/${parseCidr(podCidr).prefix}`;
  await run('ip', ['addr', 'replace', gw, 'dev', bridgeName]);
  await run('ip', ['link', 'set', bridgeName, 'up']);
  await setSysctl('net.ipv4.ip_forward', '1');
  if (existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables')) await setSysctl('net.bridge.bridge-nf-call-iptables', '1');
  else log.warn('br_netfilter is not loaded: Service traffic between pods of this node may not get replies (modprobe br_netfilter)');
}

export async function removeBridge(): Promise<void> {
  if (await linkExists(bridgeName)) await run('ip', ['link', 'del', bridgeName]);
}

export interface PodNetworkSpec {
  hash: string;
  ip: string;
  podCidr: string;
  /** The sandbox's directory (prepareSandboxDir done): the holder bind-mounts its files. */
  dir: string;
}

/**
 * Interfaces of the calling process's network namespace. /proc/net is per network namespace
 * (unlike /sys, which shows the namespace sysfs was mounted from), and reading it costs no process.
 */
function localLinkNames(): Set<string> {
  try {
    return new Set(readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean));
  } catch {
    return new Set();
  }
}

/** `ip -batch` lines for the node side of a pod: the veth pair, its host end on the bridge. */
export function hostSideCommands(spec: PodNetworkSpec): string[] {
  const host = hostLinkName(spec.hash);
  // Hairpin: a pod reaching itself through a Service comes back out of the same bridge port.
  return [`link add ${host} type veth peer name eth0 netns ${podNetnsName(spec.hash)}`, `link set dev ${host} master ${bridgeName} up`, `link set dev ${host} type bridge_slave hairpin on`];
}

/** `ip -n <pod netns> -batch` lines for the pod side: loopback, address, default route. */
export function podSideCommands(spec: PodNetworkSpec): string[] {
  const prefix = parseCidr(spec.podCidr).prefix;
  return [`link set lo up`, `addr add ${spec.ip}/${prefix} dev eth0`, `link set eth0 up`, `route add default via ${gatewayOf(spec.podCidr)} dev eth0`];
}

/** Whether a namespace or host link of the pod is left from an earlier try. */
export function hasLeftovers(hash: string): boolean {
  return existsSync(`/run/netns/${podNetnsName(hash)}`) || localLinkNames().has(hostLinkName(hash));
}

/**
 * Namespace, veth pair, addresses and routes of one pod, in three `ip` runs: `netns add` alone
 * (older iproute2 moves a batch into the namespace it adds), then the host side, then the pod
 * side; then the sandbox's holder (sandbox-holder.ts), whose pid it returns. Leftovers of an
 * earlier try are removed first. Bursts go through PodNetworkBatcher.
 */
export async function createPodNetwork(spec: PodNetworkSpec): Promise<number> {
  if (hasLeftovers(spec.hash)) await removePodNetwork(spec.hash);
  const ns = podNetnsName(spec.hash);
  await run('ip', ['netns', 'add', ns]);
  await run('ip', ['-batch', '-'], hostSideCommands(spec).join('\n') + '\n');
  await run('ip', ['-n', ns, '-batch', '-'], podSideCommands(spec).join('\n') + '\n');
  return startHolders([spec]).then((pids) => pids.get(spec.hash)!);
}

/**
 * Starts the holders of sandboxes whose namespaces exist, in one `sh`; resolves once every holder
 * is ready (their stdout closes), with their pids. Rejects if any failed (its namespace is left to
 * the caller's cleanup, which kills the processes in it).
 */
export async function startHolders(specs: Pick<PodNetworkSpec, 'hash' | 'dir'>[]): Promise<Map<string, number>> {
  // detached: the shell gets a session of its own, and so do the holders it starts (one setsid per batch).
  const r = await runCommand('sh', ['-c', holdersScript(specs)], undefined, 30_000, true);
  const { pids, failed } = parseHolderOutput(r.stdout);
  const missing = specs.filter((s) => !pids.has(s.hash));
  if (missing.length > 0) throw new SvcnetError('CommandFailed', `agent: cannot start the sandbox holder of ${missing.map((s) => podNetnsName(s.hash)).join(', ')}: ${missing.map((s) => failed.get(s.hash) ?? (r.stderr.trim() || 'no output')).join('; ')}`);
  return pids;
}

/**
 * Kills what still runs in the namespace, then deletes the link and the namespace. Idempotent.
 * One `sh` (whose forks are cheap) rather than three `ip` runs spawned from the agent.
 */
export async function removePodNetwork(hash: string): Promise<void> {
  await removePodNetworks([hash]);
}

/** removePodNetwork for several pods (or pooled sandboxes) in one `sh`. */
export async function removePodNetworks(hashes: string[]): Promise<void> {
  if (hashes.length === 0) return;
  // Deleting one end of a veth deletes the other; the namespace may already be gone. /proc/net/dev
  // lists the links of the shell's (the agent's) network namespace.
  const script = hashes.flatMap((hash) => {
    const ns = podNetnsName(hash);
    const host = hostLinkName(hash);
    return [
      `if [ -e /run/netns/${ns} ]; then for pid in $(ip netns pids ${ns}); do kill -9 "$pid" 2>/dev/null; done; fi`,
      `if grep -q '^ *${host}:' /proc/net/dev; then ip link del ${host}; fi`,
      `if [ -e /run/netns/${ns} ]; then ip netns del ${ns}; fi`,
    ];
  });
  const r = await runCommand('sh', ['-c', [...script, 'exit 0'].join('\n')], undefined, 120_000);
  if (r.stderr.trim()) log.debug('pod network removal', { netns: hashes.map(podNetnsName), stderr: r.stderr.trim() });
}

/** Hashes of pod namespaces on the node (any agent's). */
export async function listPodNetnsHashes(): Promise<string[]> {
  const r = await runCommand('ip', ['netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => hashOfNetns(l.split(' ')[0]))
    .filter((h): h is string => h !== undefined);
}

/** Hashes of host-side pod links in the agent's own network namespace. */
export async function listHostLinkHashes(): Promise<string[]> {
  const r = await runCommand('ip', ['-o', 'link', 'show']);
  return r.stdout
    .split('\n')
    .map((l) => hashOfHostLink((l.split(':')[1] ?? '').trim().split('@')[0]))
    .filter((h): h is string => h !== undefined);
}
