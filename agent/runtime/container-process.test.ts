import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxMountTable } from '../net/sandbox-holder.js';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { waitFor } from '../../testing/wait-for.js';
import { isAlive, launchCommand } from './container-process.js';

describe('container process', () => {
  it('mounts the pod files and a sysfs of its own network, escaping paths for fstab', () => {
    assert.equal(
      sandboxMountTable({ resolvConfPath: '/data dir/pods/u/resolv.conf', hostsPath: '/d/hosts' }),
      '/data\\040dir/pods/u/resolv.conf /etc/resolv.conf none bind 0 0\n/d/hosts /etc/hosts none bind 0 0\nsvcnet-pod-sysfs /sys sysfs defaults 0 0\n',
    );
    assert.equal(sandboxMountTable({ resolvConfPath: '/r' }), '/r /etc/resolv.conf none bind 0 0\n', 'hostNetwork: the node keeps its hosts and /sys');
  });
  it('enters the pod network with nsenter and makes mount and UTS namespaces; hostNetwork only a mount namespace', () => {
    const base = { hostname: 'h', resolvConfPath: '/r', fstabPath: '/f', argv: ['nginx'], env: [], workingDir: '/', stdoutPath: '/o', stderrPath: '/e' };
    const pod = launchCommand({ ...base, podHash: 'abc123def', hostsPath: '/h' });
    assert.deepEqual(pod.slice(0, 6), ['nsenter', '--net=/run/netns/svcnet-abc123def', 'unshare', '--mount', '--uts', '--']);
    assert.equal(pod.at(-1), 'nginx');
    assert.deepEqual(launchCommand(base).slice(0, 3), ['unshare', '--mount', '--']);
  });
  it('with a sandbox holder, is one nsenter into its namespaces, then the program', () => {
    const base = { hostname: 'h', resolvConfPath: '/r', fstabPath: '/f', argv: ['nginx', '-g', 'daemon off;'], env: [], workingDir: '/srv', stdoutPath: '/o', stderrPath: '/e' };
    assert.deepEqual(launchCommand({ ...base, podHash: 'abc123def', hostsPath: '/h', holderPid: 42 }), ['nsenter', '-t', '42', '-n', '-m', '-u', '--wd=/srv', '--', 'nginx', '-g', 'daemon off;']);
  });
  it('isAlive: a running process is alive; an exited one nobody has reaped (a zombie) is not', async () => {
    // A background child of a shell that then becomes `sleep`, which never reaps it. The child
    // exits only once its parent is `sleep`: exiting earlier could let the shell reap it first.
    const parent = spawn('sh', ['-c', 'p=$$; (until grep -qx sleep /proc/$p/comm; do sleep 0.01; done) & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d) => resolve(String(d)))));
      await waitFor('the background process to exit', () => /\) Z /.test(readFileSync(`/proc/${zombie}/stat`, 'latin1')));
      assert.doesNotThrow(() => process.kill(zombie, 0), 'a zombie still takes signal 0');
      assert.equal(isAlive(zombie), false);
      assert.equal(isAlive(parent.pid!), true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
