import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseResolvConf, podResolvConf, renderResolvConf } from './resolv-conf.js';
import { renderHostsFile, podHostname, podFqdn } from './hosts-file.js';
import type { PodSpec } from './types.js';

const host = parseResolvConf('# comment\nnameserver 10.255.255.53\nsearch corp.example. lab.example\noptions rotate\n');
const settings = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', host };
const spec = (s: Partial<PodSpec>): PodSpec => ({ containers: [], ...s });

describe('pod resolv.conf', () => {
  it('ClusterFirst: cluster search list then the host one, cluster DNS, ndots:5', () => {
    assert.equal(
      renderResolvConf(podResolvConf(spec({}), 'default', settings)),
      'search default.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
  });
  it('ClusterFirst with hostNetwork falls back to Default; ClusterFirstWithHostNet stays cluster', () => {
    assert.equal(renderResolvConf(podResolvConf(spec({ hostNetwork: true }), 'x', settings)), 'search corp.example lab.example\nnameserver 10.255.255.53\noptions rotate\n');
    assert.match(renderResolvConf(podResolvConf(spec({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), 'x', settings)), /nameserver 10\.96\.0\.10/);
  });
  it('None takes only dnsConfig; options merge by name', () => {
    const none = podResolvConf(spec({ dnsPolicy: 'None', dnsConfig: { nameservers: ['192.0.2.1'], searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }), 'x', settings);
    assert.equal(renderResolvConf(none), 'search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 192.0.2.1\noptions ndots:2 edns0\n');
    const merged = podResolvConf(spec({ dnsConfig: { options: [{ name: 'ndots', value: '1' }], nameservers: ['10.96.0.10', '1.1.1.1'] } }), 'x', settings);
    assert.deepEqual(merged.options, ['ndots:1']);
    assert.deepEqual(merged.nameservers, ['10.96.0.10', '1.1.1.1']);
  });
});

describe('pod hosts file and hostname', () => {
  it('names the pod by spec.hostname and subdomain and adds hostAliases', () => {
    const s = spec({ hostname: 'web', subdomain: 'sub', hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local', 'bar.local'] }] });
    const h = podHostname('pod-x', s);
    assert.equal(h, 'web');
    const text = renderHostsFile({ podIP: '10.244.0.5', hostname: h, fqdn: podFqdn(h, s, 'default', 'cluster.local'), aliases: s.hostAliases });
    assert.match(text, /^127\.0\.0\.1\tlocalhost$/m);
    assert.match(text, /^10\.244\.0\.5\tweb\.sub\.default\.svc\.cluster\.local\tweb$/m);
    assert.match(text, /^10\.1\.2\.3\tfoo\.local\tbar\.local$/m);
    assert.equal(podHostname('a'.repeat(70), spec({})), 'a'.repeat(63));
  });
});
