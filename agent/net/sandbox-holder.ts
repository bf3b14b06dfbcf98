/**
 * The holder of a pod sandbox: one `sleep` process per sandbox that sits in the sandbox's network
 * namespace and in a mount and UTS namespace of its own, made once with the sandbox (ahead of
 * time for pooled ones). A container then starts as `nsenter -t <holder> -n -m -u -- <program>`:
 * one small exec before the program, instead of nsenter + unshare + sh + mount + hostname for
 * every container (~9 ms of CPU each on this machine, ~1.5 ms with the holder). It also means the
 * node's mount table (which holds one mount per network namespace in /run/netns, 100+ with the
 * pool) is copied once per sandbox, not once per container.
 *
 * The holder's mount namespace (propagation private) has the sandbox's `resolv.conf` and `hosts`
 * (files in `<agent-dir>/sandboxes/<hash>/`) bind-mounted over /etc, a sysfs of the pod network on
 * /sys, and /run/netns unmounted: a copy of the node's netns mounts would keep deleted pod
 * namespaces alive as long as the holder lives. The files are rewritten in place when a pod takes
 * the sandbox (same inode, so the bind mounts show the pod's content); the hostname is set then
 * too (`setHolderHostname`), since a pooled sandbox's pod is not known when it is made.
 *
 * The holder runs in its own session (outside the agent's process group, so a Ctrl-C of `svcnet
 * up` does not reach it) and is a process of the sandbox's network namespace, so whatever removes
 * the namespace (removePodNetworks: `ip netns pids` then kill) kills the holder too.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shellQuote } from '../runtime/shell-quote.js';
import { SvcnetError } from '../../common/errors.js';
import { podNetnsName } from '../names.js';
import type { ProcessLauncher } from '../runtime/launcher.js';

/** The node's PATH, to find node tools (nsenter, hostname) whatever a container's PATH is. */
export const nodePath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Where the agent keeps the files its sandboxes bind-mount: `<agent-dir>/sandboxes`. */
export function sandboxesRoot(agentDir: string): string {
  return join(agentDir, 'sandboxes');
}

export function sandboxDir(agentDir: string, hash: string): string {
  return join(sandboxesRoot(agentDir), hash);
}

/** fstab field escapes (space, tab, newline, backslash), as getmntent reads them. */
export function fstabField(s: string): string {
  return s.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/**
 * The sandbox's mounts for `mount -a`: its resolv.conf and, with its own network, hosts and a
 * sysfs of its network namespace. The sysfs source is named so that `mount -a` does not take the
 * node's `sysfs on /sys` for this entry, already mounted, and skip it.
 */
export function sandboxMountTable(l: { resolvConfPath: string; hostsPath?: string }): string {
  const lines = [`${fstabField(l.resolvConfPath)} /etc/resolv.conf none bind 0 0`];
  if (l.hostsPath) lines.push(`${fstabField(l.hostsPath)} /etc/hosts none bind 0 0`, 'svcnet-pod-sysfs /sys sysfs defaults 0 0');
  return lines.join('\n') + '\n';
}

/**
 * Makes the sandbox's directory: `resolv.conf` and `hosts` (the pod's content when known, else
 * empty until a pod takes the sandbox) and `mounts.fstab` for the holder.
 */
export function prepareSandboxDir(dir: string, files: { resolvConf?: string; hosts?: string } = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'resolv.conf'), files.resolvConf ?? '');
  writeFileSync(join(dir, 'hosts'), files.hosts ?? '');
  writeFileSync(join(dir, 'mounts.fstab'), sandboxMountTable({ resolvConfPath: join(dir, 'resolv.conf'), hostsPath: join(dir, 'hosts') }));
}

/** Writes a pod's files into its sandbox in place (truncate + write keeps the inode the holder bind-mounted). */
export function writeSandboxFiles(dir: string, files: { resolvConf: string; hosts: string }): void {
  writeFileSync(join(dir, 'resolv.conf'), files.resolvConf);
  writeFileSync(join(dir, 'hosts'), files.hosts);
}

/** Hashes of the sandbox directories under `<agentDir>/sandboxes`. */
export function sandboxDirHashes(agentDir: string): string[] {
  try {
    return readdirSync(sandboxesRoot(agentDir)).filter((f) => /^[0-9a-f]{9}$/.test(f));
  } catch {
    return [];
  }
}

export function removeSandboxDirs(agentDir: string, hashes: string[]): void {
  for (const h of hashes) rmSync(sandboxDir(agentDir, h), { recursive: true, force: true });
}

/**
 * What the holder runs (dash, $0 = hash, $1 = sandbox dir): the mounts, then one line `H <hash>
 * <pid>` on its stdout (or `F <hash> <why>`), then `sleep` with stdout closed, so whoever reads
 * its stdout gets EOF once every holder it started is ready.
 */
const holderScript = [
  'cd / || exit 1',
  'if ! err=$(mount -a -T "$1/mounts.fstab" 2>&1); then echo "F $0 $err" | tr "\\n" " "; echo; exit 1; fi',
  // Not every node has /run/netns as a mount of its own; then there is nothing to drop.
  'umount -l /run/netns 2>/dev/null',
  'echo "H $0 $$"',
  'exec sleep infinity </dev/null >/dev/null 2>&1',
].join('\n');

/**
 * A shell line (for `sh -c`) starting the holder of sandbox `hash` in the background. Under a
 * non-interactive shell the background job is no process group leader, so `setsid` does not fork:
 * the pid `$$` the holder prints is the holder's.
 */
export function holderLaunchLine(hash: string, dir: string): string {
  const cmd = ['setsid', 'nsenter', `--net=/run/netns/${podNetnsName(hash)}`, 'unshare', '--mount', '--uts', '--propagation', 'private', '--', 'sh', '-c', holderScript, hash, dir];
  return `${cmd.map(shellQuote).join(' ')} </dev/null 2>&1 &`;
}

/** Holder pids by hash from the holders' output; failures by hash with their message. */
export function parseHolderOutput(stdout: string): { pids: Map<string, number>; failed: Map<string, string> } {
  const pids = new Map<string, number>();
  const failed = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^([HF]) ([0-9a-f]+) (.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === 'H' && /^\d+$/.test(m[3])) pids.set(m[2], Number(m[3]));
    else failed.set(m[2], m[3]);
  }
  return { pids, failed };
}

/** Whether `pid` still is the holder of sandbox `hash` (alive and in its network namespace: pids get reused). */
export function isHolder(pid: number | undefined, hash: string): boolean {
  if (!pid) return false;
  try {
    return statSync(`/proc/${pid}/ns/net`).ino === statSync(`/run/netns/${podNetnsName(hash)}`).ino;
  } catch {
    return false;
  }
}

/**
 * Sets the hostname of the holder's UTS namespace (every container of the pod shares it), through
 * the launcher's helper (a spawn from the agent itself blocks its event loop for milliseconds).
 */
export async function setHolderHostname(launcher: ProcessLauncher, holderPid: number, hostname: string): Promise<void> {
  const launched = await launcher.launch({ cmd: 'nsenter', args: ['-t', String(holderPid), '-u', '--', 'hostname', hostname], env: { PATH: nodePath }, cwd: '/', stdoutPath: '/dev/null', stderrPath: '/dev/null' });
  const exit = await launched.exited;
  // undefined: the helper went away meanwhile and the outcome is unknown; the hostname is most likely set.
  if (exit && exit.code !== 0) throw new SvcnetError('CommandFailed', `agent: cannot set the hostname of sandbox holder ${holderPid} (exit ${exit.code ?? exit.signal})`);
}
