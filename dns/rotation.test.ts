/** Cached A answers come back rotated (loadbalance), same set, still a valid message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../common/log.js';
import { startDnsServer } from './index.js';
import { RRType } from './rr.js';
import { buildIndex, coreDnsServices, coreDnsSlices } from './testing/fixture.js';
import { query, UdpClient } from './testing/raw-client.js';
import { readMessage } from './wire-read.js';

if (!process.env.SVCNET_TEST_LOGS) setLogSink(() => {});

test('headless A answers rotate between replies; SRV and single answers do not change', { timeout: 120_000 }, async (t) => {
  const index = buildIndex(coreDnsServices, coreDnsSlices, ['testns']);
  const dns = await startDnsServer({ index, listen: '127.0.0.1:0', upstreams: [], healthListen: '', readyListen: '', metricsListen: '' });
  t.after(() => dns.close());
  const c = new UdpClient(dns.udpPort);
  t.after(() => c.close());
  const firsts = new Set<string>();
  for (let i = 0; i < 8; i++) {
    const m = readMessage((await c.exchange(query('hdls1.testns.svc.cluster.local', RRType.A, { edns: 1232 })))!);
    const ips = m.answer.map((r) => (r.type === 'A' ? r.address : '?'));
    assert.deepEqual([...ips].sort(), ['172.0.0.2', '172.0.0.3', '172.0.0.4', '172.0.0.5']);
    assert.equal(m.edns?.udpSize, 1232, 'the OPT after the answers survives rotation');
    firsts.add(ips[0]!);
  }
  assert.equal(firsts.size, 4, 'every endpoint comes first in turn');
  const srv1 = readMessage((await c.exchange(query('_http._tcp.hdls1.testns.svc.cluster.local', RRType.SRV)))!);
  const srv2 = readMessage((await c.exchange(query('_http._tcp.hdls1.testns.svc.cluster.local', RRType.SRV)))!);
  assert.deepEqual(srv1.answer, srv2.answer);
});
