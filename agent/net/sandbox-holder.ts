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
 * too (`setHolderHostname`, through a FIFO the holder waits on), since a pooled sandbox's pod is not known when it is made.
 *
 * The holder runs in its own session (that of the `sh` starting it, outside the agent's process
 * group, so a Ctrl-C of `svcnet up` does not reach it) and is a process of the sandbox's network namespace, so whatever removes
 * the namespace (removePodNetworks: `ip netns pids` then kill) kills the holder too.
 */
import { closeSync, constants, mkdirSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { procCommState } from '../runtime/proc-stat.js';
import { shellQuote } from '../runtime/shell-quote.js';
import { SvcnetError } from '../../common/errors.js';
import { isSandboxHash, podNetnsName } from '../names.js';

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
  return hashNamedEntries(sandboxesRoot(agentDir));
}

/** The entries of `dir` named by a sandbox hash ([] when `dir` does not exist). */
export function hashNamedEntries(dir: string): string[] {
  try {
    return readdirSync(dir).filter(isSandboxHash);
  } catch {
    return [];
  }
}

export function removeSandboxDirs(agentDir: string, hashes: string[]): void {
  for (const h of hashes) rmSync(sandboxDir(agentDir, h), { recursive: true, force: true });
}

/**
 * What the holder runs (dash, $0 = hash, $1 = sandbox dir): the mounts; a FIFO `<dir>/hostname`,
 * held open read-write so a writer never finds it without a reader; one line `H <hash> <pid>` on
 * its stdout (or `F <hash> <why>`), after which stdout is closed, so whoever reads it gets EOF once
 * every holder it started is ready. Then it waits for the pod's hostname on the FIFO (written when
 * a pod takes the sandbox), sets it and becomes `sleep`: a holder whose command is `sleep` has
 * its hostname set (setHolderHostname). A shell already waiting costs no process at claim time
 * but `hostname` (a separate `nsenter … hostname` was ~1.2 ms of CPU, plus a launcher spawn).
 */
const holderScript = [
  'cd / || exit 1',
  'if ! err=$(mount -a -T "$1/mounts.fstab" 2>&1); then echo "F $0 $err" | tr "\\n" " "; echo; exit 1; fi',
  // Not every node has /run/netns as a mount of its own; then there is nothing to drop.
  'umount -l /run/netns 2>/dev/null',
  'exec 3<>"$1/hostname"',
  'echo "H $0 $$"',
  'exec </dev/null >/dev/null 2>&1',
  'read -r name <&3 || exit 1',
  'exec 3<&-',
  'hostname "$name" || exit 1',
  'exec sleep infinity',
].join('\n');

/** A shell line starting the holder of sandbox `hash` in the background (the script's FIFO made first). */
export function holderLaunchLine(hash: string, dir: string): string {
  const cmd = ['nsenter', `--net=/run/netns/${podNetnsName(hash)}`, 'unshare', '--mount', '--uts', '--propagation', 'private', '--', 'sh', '-c', holderScript, hash, dir];
  return `${cmd.map(shellQuote).join(' ')} </dev/null 2>&1 &`;
}

/**
 * The script (for an `sh` run in a session of its own, which its holders keep) starting the
 * holders of sandboxes whose namespaces exist: one `rm` and one `mkfifo` for all their FIFOs
 * (a leftover of a failed try would make mkfifo fail), then each holder in the background.
 */
export function holdersScript(sandboxes: { hash: string; dir: string }[]): string {
  const fifos = sandboxes.map((s) => shellQuote(join(s.dir, 'hostname'))).join(' ');
  return [`rm -f ${fifos}`, `mkfifo -m 600 ${fifos} || exit 1`, ...sandboxes.map((s) => holderLaunchLine(s.hash, s.dir))].join('\n') + '\n';
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

/** Writes to a FIFO that has a reader; false if it has none (or is not there yet). */
function writeFifo(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    if (['ENXIO', 'ENOENT'].includes((err as NodeJS.ErrnoException).code ?? '')) return false;
    throw err;
  }
  try {
    writeSync(fd, text);
    return true;
  } finally {
    closeSync(fd);
  }
}

/**
 * Sets the hostname of the holder's UTS namespace (every container of the pod shares it): hands
 * it to the holder through its FIFO, then waits until the holder has become `sleep` (polled with
 * a growing interval, 1 to 16 ms: a burst has many holders to wait for). Throws when the holder
 * is gone or does not get there within `timeoutMs`.
 */
export async function setHolderHostname(dir: string, holderPid: number, hostname: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let written = false;
  for (let delay = 1; ; delay = Math.min(delay * 2, 16)) {
    written ||= writeFifo(join(dir, 'hostname'), `${hostname}\n`);
    const p = procCommState(holderPid);
    if (!p || p.state === 'Z') throw new SvcnetError('CommandFailed', `agent: sandbox holder ${holderPid} exited before its hostname was set`);
    if (written && p.comm === 'sleep') return;
    if (Date.now() > deadline) throw new SvcnetError('CommandFailed', `agent: sandbox holder ${holderPid} did not set its hostname within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
