/**
 * Test inputs as plain API JSON, mirroring upstream's proxier_test.go fixtures (NewFakeProxier:
 * node "test-node", node IP 192.168.0.2, pod CIDR 10.0.0.0/8) so their goldens apply.
 */
import type { EndpointSliceJson, ServiceJson } from '../from-api.js';
import { buildProxyState } from '../from-api.js';
import type { ProxyState } from '../model.js';

export const testNodeName = 'test-node';
export const testNodeIP = '192.168.0.2';
export const testNodeIPAlt = '192.168.1.2';
export const testClusterCIDR = '10.0.0.0/8';
export const testExternalClient = '203.0.113.2';
export const testExternalClientBlocked = '203.0.113.130';

type Spec = NonNullable<ServiceJson['spec']>;

export function makeService(namespace: string, name: string, spec: Spec, lbIPs: string[] = []): ServiceJson {
  const status = lbIPs.length ? { loadBalancer: { ingress: lbIPs.map((ip) => ({ ip })) } } : {};
  return { metadata: { namespace, name }, spec: { type: 'ClusterIP', ...spec }, status };
}

export interface EndpointSpec {
  ip: string;
  nodeName?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
  zone?: string;
  hints?: string[];
}

export function makeSlice(namespace: string, service: string, sliceName: string, endpoints: EndpointSpec[], ports: Array<{ name: string; port: number; protocol?: string }>): EndpointSliceJson {
  return {
    metadata: { namespace, name: sliceName, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
      ...(e.nodeName ? { nodeName: e.nodeName } : {}),
      ...(e.zone ? { zone: e.zone } : {}),
      ...(e.hints ? { hints: { forZones: e.hints.map((z) => ({ name: z })) } } : {}),
    })),
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

const p80 = [{ name: 'p80', port: 80 }];
const tcp80 = (nodePort?: number) => [{ name: 'p80', port: 80, protocol: 'TCP', ...(nodePort ? { nodePort } : {}) }];

/** TestOverallIPTablesRules / TestOverallNFTablesRules: six services covering every feature. */
export function overallServices(): ServiceJson[] {
  return [
    makeService('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: tcp80() }),
    makeService('ns2', 'svc2', {
      type: 'LoadBalancer', externalTrafficPolicy: 'Local', clusterIP: '172.30.0.42', ports: tcp80(3001),
      externalIPs: ['192.168.99.22'], healthCheckNodePort: 30000,
    }, ['1.2.3.4']),
    makeService('ns3', 'svc3', { type: 'NodePort', clusterIP: '172.30.0.43', ports: tcp80(3003) }),
    makeService('ns4', 'svc4', { type: 'NodePort', clusterIP: '172.30.0.44', externalIPs: ['192.168.99.33'], ports: tcp80() }),
    makeService('ns5', 'svc5', {
      type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', clusterIP: '172.30.0.45', ports: tcp80(3002),
      healthCheckNodePort: 30000, loadBalancerSourceRanges: [' 203.0.113.0/25'],
      sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    }, ['5.6.7.8']),
    makeService('ns6', 'svc6', { clusterIP: '172.30.0.46', ports: tcp80() }),
  ];
}

export function overallSlices(): EndpointSliceJson[] {
  return [
    makeSlice('ns1', 'svc1', 'svc1-1', [{ ip: '10.180.0.1' }], p80),
    // No nodeName: the endpoint is not local, so svc2 (eTP=Local) has no local endpoints.
    makeSlice('ns2', 'svc2', 'svc2-1', [{ ip: '10.180.0.2' }], p80),
    makeSlice('ns3', 'svc3', 'svc3-1', [{ ip: '10.180.0.3' }], p80),
    makeSlice('ns4', 'svc4', 'svc4-1', [{ ip: '10.180.0.4' }, { ip: '10.180.0.5', nodeName: testNodeName }], p80),
    makeSlice('ns5', 'svc5', 'svc5-1', [{ ip: '10.180.0.3' }], p80),
  ];
}

export function overallState(): ProxyState {
  return buildProxyState(overallServices(), overallSlices(), { ipFamily: 4, nodeName: testNodeName });
}

/** TestSyncProxyRulesRepeated's first sync: two ClusterIP services. */
export function twoServicesState(): ProxyState {
  return buildProxyState(
    [
      makeService('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: tcp80() }),
      makeService('ns2', 'svc2', { clusterIP: '172.30.0.42', ports: [{ name: 'p8080', port: 8080, protocol: 'TCP' }] }),
    ],
    [
      makeSlice('ns1', 'svc1', 'svc1-1', [{ ip: '10.0.1.1' }], p80),
      makeSlice('ns2', 'svc2', 'svc2-1', [{ ip: '10.0.2.1' }], [{ name: 'p8080', port: 8080 }]),
    ],
    { ipFamily: 4, nodeName: testNodeName },
  );
}

/** The walkthrough's default/nginx: one unnamed port 80, five pods. */
export function nginxState(podIPs: string[] = ['10.244.0.10', '10.244.0.11', '10.244.0.12', '10.244.0.13', '10.244.0.14']): ProxyState {
  return buildProxyState(
    [makeService('default', 'nginx', { clusterIP: '10.96.0.100', ports: [{ protocol: 'TCP', port: 80 }] })],
    [makeSlice('default', 'nginx', 'nginx-abcde', podIPs.map((ip) => ({ ip, nodeName: 'node1' })), [{ name: '', port: 80 }])],
    { ipFamily: 4, nodeName: 'node1' },
  );
}

/** TestLoadBalancer: two LB IPs, source ranges that include the node's own subnet. */
export function loadBalancerState(): ProxyState {
  return buildProxyState(
    [makeService('ns1', 'svc1', {
      type: 'LoadBalancer', clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }],
      loadBalancerSourceRanges: ['192.168.0.0/24', ' 203.0.113.0/25'],
    }, ['1.2.3.4', '5.6.7.8'])],
    [makeSlice('ns1', 'svc1', 'svc1-1', [{ ip: '10.180.0.1' }], p80)],
    { ipFamily: 4, nodeName: testNodeName },
  );
}

/** TestNoEndpointsReject: a LoadBalancer with every kind of address and no endpoints. */
export function noEndpointsState(): ProxyState {
  return buildProxyState(
    [makeService('ns1', 'svc1', {
      type: 'LoadBalancer', clusterIP: '172.30.0.41', externalIPs: ['192.168.99.11'],
      ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }],
    }, ['1.2.3.4'])],
    [],
    { ipFamily: 4, nodeName: testNodeName },
  );
}

/** eTP=Local LoadBalancer with one endpoint here and one on another node (walkthrough §6). */
export function localPolicyState(): ProxyState {
  return buildProxyState(
    [makeService('ns1', 'svc1', {
      type: 'LoadBalancer', externalTrafficPolicy: 'Local', clusterIP: '172.30.0.41', healthCheckNodePort: 30000,
      ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }],
    }, ['1.2.3.4'])],
    [makeSlice('ns1', 'svc1', 'svc1-1', [{ ip: '10.180.0.1', nodeName: testNodeName }, { ip: '10.180.2.1', nodeName: 'node2' }], p80)],
    { ipFamily: 4, nodeName: testNodeName },
  );
}
