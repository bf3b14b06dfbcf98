import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { holderLaunchLine, holdersScript, parseHolderOutput } from './sandbox-holder.js';

describe('sandbox holder', () => {
  it('starts in the pod network with its own mount and UTS namespace, backgrounded, after one mkfifo for all', () => {
    const line = holderLaunchLine('abc123def', "/data dir/it's/sandboxes/abc123def");
    assert.match(line, /^nsenter --net=\/run\/netns\/svcnet-abc123def unshare --mount --uts --propagation private -- sh -c '/);
    assert.ok(line.endsWith(` abc123def '/data dir/it'\\''s/sandboxes/abc123def' </dev/null 2>&1 &`), line);
    const script = holdersScript([{ hash: 'abc123def', dir: '/d/a' }, { hash: '0123456789', dir: '/d/b' }]).split('\n');
    assert.deepEqual(script.slice(0, 2), ['rm -f /d/a/hostname /d/b/hostname', 'mkfifo -m 600 /d/a/hostname /d/b/hostname || exit 1']);
    assert.equal(script.filter((l) => l.startsWith('nsenter ')).length, 2);
  });
  it('reads the pids holders report and the failures', () => {
    const out = 'H abc123def 4242\nF 0123456789 mount: /etc/hosts: special device does not exist \nnoise\nH fedcba987 x\n';
    const { pids, failed } = parseHolderOutput(out);
    assert.deepEqual([...pids], [['abc123def', 4242]]);
    assert.deepEqual([...failed.keys()].sort(), ['0123456789', 'fedcba987']);
  });
});
