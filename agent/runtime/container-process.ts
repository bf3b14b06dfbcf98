/**
 * Starts a container's process. There are no images, so "a container" is a node program run
 * with the pod's view of the node. A pod with its own network has a sandbox holder
 * (net/sandbox-holder.ts) already sitting in the pod's network namespace and in a mount and UTS
 * namespace of the pod's (resolv.conf and hosts bind-mounted, /sys of the pod network, the
 * hostname set), so a container is
 *   nsenter -t <holder> -n -m -u --wd=<workingDir> -- <argv>
 * with the container's environment (its PATH finds the program): nsenter execs without forking,
 * so the pid we get is the program's, and signals reach it. That is ~1.5 ms of CPU per container
 * here, against ~9 ms for the chain below, which remains for hostNetwork pods (node network and
 * hostname, own mount namespace for the pod's resolv.conf) and for a sandbox whose holder is gone:
 *   [nsenter --net=/run/netns/svcnet-<hash>] unshare --mount [--uts] -- /bin/sh -c '<setup>' …
 * where the setup does the holder's work per container (`mount -a -T mounts.fstab`, hostname),
 * then `exec`s the program. The process gets its own session (detached) so signals can go to its
 * whole group and it outlives the agent; stdout/stderr go to raw files the LogPump converts. The
 * spawn itself is done by the ProcessLauncher's helper (launcher.ts), which keeps fork costs off
 * the agent's event loop.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { podNetnsName } from '../names.js';
import { nodePath, sandboxMountTable } from '../net/sandbox-holder.js';
import type { Launched, ProcessLauncher } from './launcher.js';
import { procCommState } from './proc-stat.js';

export interface ContainerLaunch {
  /** undefined for hostNetwork pods: they stay in the agent's network (and UTS) namespace. */
  podHash?: string;
  /** The pod sandbox's holder, checked alive (isHolder); undefined: the full chain. */
  holderPid?: number;
  hostname: string;
  resolvConfPath: string;
  /** undefined for hostNetwork pods (they see the node's /etc/hosts, as with the kubelet). */
  hostsPath?: string;
  /** Where the mount table (sandboxMountTable) is written for the full chain. */
  fstabPath: string;
  argv: string[];
  env: [string, string][];
  workingDir: string;
  stdoutPath: string;
  stderrPath: string;
}

const defaultPath = nodePath;

const setupScript = [
  'mount -a -T "$SVCNET_FSTAB" || exit 128',
  'if [ -n "$SVCNET_HOSTNAME" ]; then hostname "$SVCNET_HOSTNAME" || exit 128; fi',
  'cd "$SVCNET_WORKDIR" || exit 128',
  'PATH="$SVCNET_PATH"; export PATH',
  'unset SVCNET_FSTAB SVCNET_HOSTNAME SVCNET_WORKDIR SVCNET_PATH',
  'exec "$@"',
].join('\n');

export function launchCommand(l: ContainerLaunch): string[] {
  if (l.holderPid) return ['nsenter', '-t', String(l.holderPid), '-n', '-m', '-u', `--wd=${l.workingDir || '/'}`, '--', ...l.argv];
  const isolate = l.podHash ? ['unshare', '--mount', '--uts', '--'] : ['unshare', '--mount', '--'];
  const inNetns = l.podHash ? ['nsenter', `--net=/run/netns/${podNetnsName(l.podHash)}`] : [];
  return [...inNetns, ...isolate, '/bin/sh', '-c', setupScript, 'svcnet-container', ...l.argv];
}

export function spawnContainer(launcher: ProcessLauncher, l: ContainerLaunch): Promise<Launched> {
  const [cmd, ...args] = launchCommand(l);
  const env: NodeJS.ProcessEnv = Object.fromEntries(l.env);
  if (l.holderPid) {
    // nsenter is found on the node's PATH (absolute), the program on the container's.
    env.PATH ??= defaultPath;
    return launcher.launch({ cmd: nodeTool(cmd), args, env, cwd: '/', stdoutPath: l.stdoutPath, stderrPath: l.stderrPath });
  }
  writeFileSync(l.fstabPath, sandboxMountTable(l));
  env.SVCNET_FSTAB = l.fstabPath;
  // hostNetwork pods keep the node's hostname (and /etc/hosts, /sys).
  env.SVCNET_HOSTNAME = l.hostsPath ? l.hostname : '';
  env.SVCNET_WORKDIR = l.workingDir || '/';
  env.SVCNET_PATH = env.PATH ?? defaultPath;
  // `nsenter`, `unshare` and `mount` are looked up on the node's PATH; the setup script restores the container's.
  return launcher.launch({ cmd, args, env: { ...env, PATH: defaultPath }, cwd: '/', stdoutPath: l.stdoutPath, stderrPath: l.stderrPath });
}

const toolPaths = new Map<string, string>();

/** A node tool's absolute path on the node's PATH (the spawn's own PATH is the container's). */
function nodeTool(name: string): string {
  let path = toolPaths.get(name);
  if (!path) {
    path = defaultPath.split(':').map((d) => join(d, name)).find((p) => existsSync(p)) ?? name;
    toolPaths.set(name, path);
  }
  return path;
}

/**
 * Whether the process still runs. An exited process whose parent has not reaped it yet (a zombie,
 * e.g. one re-parented to an init that reaps slowly) still takes signal 0, so its state is read too.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const proc = procCommState(pid);
  return proc !== undefined && proc.state !== 'Z'; // undefined: reaped meanwhile
}

/** Signals the container's whole process group (nginx master and workers, shell children). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

/** Args to run a command inside a running container's namespaces (exec, exec probes, preStop). */
export function enterCommand(pid: number, hostNetwork: boolean, command: string[]): string[] {
  const nsFlags = hostNetwork ? ['-m', '-u'] : ['-n', '-m', '-u'];
  return ['nsenter', '-t', String(pid), ...nsFlags, '--', ...command];
}
