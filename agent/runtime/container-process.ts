/**
 * Starts a container's process. There are no images, so "a container" is a node program run
 * with the pod's view of the node:
 *   nsenter --net=/run/netns/svcnet-<hash>  the pod's network namespace
 *   unshare --mount --uts              a private mount and UTS namespace per container, so
 *   /bin/sh -c '<setup>' …             /etc/resolv.conf and /etc/hosts can be bind-mounted over
 *                                      with the pod's files, /sys remounted (it then shows the
 *                                      pod's network devices) and the hostname set, for this
 *                                      process tree only (mount propagation is private); the
 *                                      mounts are one `mount -a -T <pod>/mounts.fstab` (each
 *                                      util-linux `mount` run costs ~2 ms of CPU, mostly loading)
 *   exec <argv>                        then the program replaces the shell: the pid we get is
 *                                      the container's main process.
 * `nsenter` and `unshare` exec in turn without forking, so pid = container process. (`ip netns
 * exec` did the same as nsenter plus the /sys remount, but costs three times as much to start:
 * iproute2 loads half a dozen libraries, and it made a mount namespace of its own.) The
 * process gets its own session (detached) so signals can go to its whole group and it outlives
 * the agent; stdout/stderr go to raw files the LogPump converts. The spawn itself is done by the
 * ProcessLauncher's helper (launcher.ts), which keeps fork costs off the agent's event loop.
 */
import { writeFileSync } from 'node:fs';
import { podNetnsName } from '../names.js';
import type { Launched, ProcessLauncher } from './launcher.js';

export interface ContainerLaunch {
  /** undefined for hostNetwork pods: they stay in the agent's network (and UTS) namespace. */
  podHash?: string;
  hostname: string;
  resolvConfPath: string;
  /** undefined for hostNetwork pods (they see the node's /etc/hosts, as with the kubelet). */
  hostsPath?: string;
  /** Where the container's mount table (containerMountTable) is written. */
  fstabPath: string;
  argv: string[];
  env: [string, string][];
  workingDir: string;
  stdoutPath: string;
  stderrPath: string;
}

const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const setupScript = [
  'mount -a -T "$SVCNET_FSTAB" || exit 128',
  'if [ -n "$SVCNET_HOSTNAME" ]; then hostname "$SVCNET_HOSTNAME" || exit 128; fi',
  'cd "$SVCNET_WORKDIR" || exit 128',
  'PATH="$SVCNET_PATH"; export PATH',
  'unset SVCNET_FSTAB SVCNET_HOSTNAME SVCNET_WORKDIR SVCNET_PATH',
  'exec "$@"',
].join('\n');

/** fstab field escapes (space, tab, newline, backslash), as getmntent reads them. */
function fstabField(s: string): string {
  return s.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/**
 * The container's mounts for `mount -a`: the pod's resolv.conf and, with its own network, hosts
 * and a sysfs of its network namespace. The sysfs source is named so that `mount -a` does not take
 * the node's `sysfs on /sys` for this entry, already mounted, and skip it.
 */
export function containerMountTable(l: Pick<ContainerLaunch, 'resolvConfPath' | 'hostsPath'>): string {
  const lines = [`${fstabField(l.resolvConfPath)} /etc/resolv.conf none bind 0 0`];
  if (l.hostsPath) lines.push(`${fstabField(l.hostsPath)} /etc/hosts none bind 0 0`, 'svcnet-pod-sysfs /sys sysfs defaults 0 0');
  return lines.join('\n') + '\n';
}

export function launchCommand(l: ContainerLaunch): string[] {
  const isolate = l.podHash ? ['unshare', '--mount', '--uts', '--'] : ['unshare', '--mount', '--'];
  const inNetns = l.podHash ? ['nsenter', `--net=/run/netns/${podNetnsName(l.podHash)}`] : [];
  return [...inNetns, ...isolate, '/bin/sh', '-c', setupScript, 'svcnet-container', ...l.argv];
}

export function spawnContainer(launcher: ProcessLauncher, l: ContainerLaunch): Promise<Launched> {
  const [cmd, ...args] = launchCommand(l);
  writeFileSync(l.fstabPath, containerMountTable(l));
  const env: NodeJS.ProcessEnv = Object.fromEntries(l.env);
  env.SVCNET_FSTAB = l.fstabPath;
  // hostNetwork pods keep the node's hostname (and /etc/hosts, /sys).
  env.SVCNET_HOSTNAME = l.hostsPath ? l.hostname : '';
  env.SVCNET_WORKDIR = l.workingDir || '/';
  env.SVCNET_PATH = env.PATH ?? defaultPath;
  // `nsenter`, `unshare` and `mount` are looked up on the node's PATH; the setup script restores the container's.
  return launcher.launch({ cmd, args, env: { ...env, PATH: defaultPath }, cwd: '/', stdoutPath: l.stdoutPath, stderrPath: l.stderrPath });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
