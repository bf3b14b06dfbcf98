import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { holderLaunchLine, parseHolderOutput } from './sandbox-holder.js';

describe('sandbox holder', () => {
  it('starts in the pod network with its own mount and UTS namespace, in a session of its own, backgrounded', () => {
    const line = holderLaunchLine('abc123def', "/data dir/it's/sandboxes/abc123def");
    assert.match(line, /^setsid nsenter --net=\/run\/netns\/svcnet-abc123def unshare --mount --uts --propagation private -- sh -c '/);
    assert.ok(line.endsWith(` abc123def '/data dir/it'\\''s/sandboxes/abc123def' </dev/null 2>&1 &`), line);
  });
  it('reads the pids holders report and the failures', () => {
    const out = 'H abc123def 4242\nF 0123456789 mount: /etc/hosts: special device does not exist \nnoise\nH fedcba987 x\n';
    const { pids, failed } = parseHolderOutput(out);
    assert.deepEqual([...pids], [['abc123def', 4242]]);
    assert.deepEqual([...failed.keys()].sort(), ['0123456789', 'fedcba987']);
  });
});
