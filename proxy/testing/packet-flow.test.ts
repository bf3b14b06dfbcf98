import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderIptablesRules } from '../iptables/render.js';
import { upstreamTestProfile } from '../iptables/config.js';
import { renderNftablesRules } from '../nftables/render.js';
import type { ProxyState } from '../model.js';
import { traceIptables, type Packet, type TraceResult } from './packet-tracer.js';
import { traceNftables } from './nft-tracer.js';
import { loadBalancerFlowCases, localPolicyFlowCases, nginxFlowCases, noEndpointsFlowCases, overallFlowCases, type FlowCase } from './flow-cases.js';
import { loadBalancerState, localPolicyState, nginxState, noEndpointsState, overallState, testClusterCIDR, testNodeIP } from './fixtures.js';

interface DataPlane {
  readonly mode: 'iptables' | 'nftables';
  trace(state: ProxyState, clusterCIDR: string, serviceCIDR: string, packet: Packet): TraceResult;
}

const nodeIPs = [testNodeIP];

const dataPlanes: readonly DataPlane[] = [
  {
    mode: 'iptables',
    trace: (state, clusterCIDR, _serviceCIDR, packet) =>
      traceIptables(renderIptablesRules(state, { nodeIPs, clusterCIDR, profile: upstreamTestProfile }), packet, nodeIPs),
  },
  {
    mode: 'nftables',
    trace: (state, clusterCIDR, serviceCIDR, packet) =>
      traceNftables(renderNftablesRules(state, { nodeIPs, clusterCIDR, serviceCIDRs: [serviceCIDR] }), packet, nodeIPs),
  },
];

function runCases(plane: DataPlane, state: ProxyState, clusterCIDR: string, serviceCIDR: string, cases: readonly FlowCase[]): void {
  for (const c of cases) {
    const expected = plane.mode === 'nftables' && c.nftables ? c.nftables : c.expect;
    const label = plane.mode === 'nftables' && c.nftables ? `${c.name} (${c.nftables.reason})` : c.name;
    test(label, () => {
      const result = plane.trace(state, clusterCIDR, serviceCIDR, c.packet);
      const detail = `\nmatched:\n  ${result.matched.join('\n  ')}`;
      assert.equal(result.output, expected.output, `output${detail}`);
      if (expected.masquerade !== undefined) assert.equal(result.masquerade, expected.masquerade, `masquerade${detail}`);
    });
  }
}

for (const plane of dataPlanes) {
  describe(`${plane.mode} packet flows`, () => {
    runCases(plane, overallState(), testClusterCIDR, '172.30.0.0/16', overallFlowCases);
    runCases(plane, nginxState(), '10.244.0.0/16', '10.96.0.0/12', nginxFlowCases);
    runCases(plane, loadBalancerState(), testClusterCIDR, '172.30.0.0/16', loadBalancerFlowCases);
    runCases(plane, noEndpointsState(), testClusterCIDR, '172.30.0.0/16', noEndpointsFlowCases);
    runCases(plane, localPolicyState(), testClusterCIDR, '172.30.0.0/16', localPolicyFlowCases);
  });
}

test('the iptables tracer reports a rule it cannot interpret instead of guessing', () => {
  const text = '*nat\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -m foo --bar 1 -j DROP\nCOMMIT\n';
  assert.throws(() => traceIptables(text, { src: '1.1.1.1', dst: '2.2.2.2', port: 1 }, []), /unsupported iptables argument "--bar"/);
});
