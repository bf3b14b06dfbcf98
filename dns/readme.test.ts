/** Runs every `$ dig …` example in README.md against a server with the README's objects (CoreDNS TestReadme). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setLogSink } from '../common/log.js';
import { startDnsServer } from './index.js';
import { digRaw, skipWithoutDig } from './testing/dig.js';
import { buildIndex, slice, svc } from './testing/fixture.js';
import { join } from 'node:path';
import { repoRoot } from '../demo/paths.js';

if (!process.env.SVCNET_TEST_LOGS) setLogSink(() => {});

function examples(): Array<{ args: string[]; expected: string[] }> {
  // README.md stays in the sources (tsc does not copy it into dist/).
  const text = readFileSync(join(repoRoot(), 'dns', 'README.md'), 'utf8');
  const out: Array<{ args: string[]; expected: string[] }> = [];
  for (const block of text.matchAll(/```\n\$ dig ([^\n]+)\n([\s\S]*?)```/g)) {
    out.push({ args: block[1]!.split(' '), expected: block[2]!.trim().split('\n') });
  }
  return out;
}

test('README examples', { skip: skipWithoutDig, timeout: 120_000 }, async (t) => {
  const cases = examples();
  assert.ok(cases.length >= 5, 'the README has examples');
  const index = buildIndex(
    [
      svc('default', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }),
      svc('kube-system', 'kube-dns', { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
      svc('default', 'web', { clusterIP: 'None', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    ],
    [slice('default', 'web-1', 'web', [{ addresses: ['10.244.1.5'], hostname: 'web-0' }])],
  );
  const dns = await startDnsServer({ index, listen: '127.0.0.1:0', upstreams: [], healthListen: '', readyListen: '', metricsListen: '' });
  t.after(() => dns.close());
  for (const c of cases) {
    const raw = await digRaw(dns.udpPort, ['+noall', '+answer', ...c.args]);
    const got = raw.trim().split('\n').map((l) => l.split(/\s+/).join(' '));
    assert.deepEqual(got, c.expected, `dig ${c.args.join(' ')}`);
  }
});
