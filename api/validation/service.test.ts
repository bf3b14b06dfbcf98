import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, service } from './test-support.js';

const dns1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const dns1123Label =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const portStruct = (port: number, protocol = 'TCP') =>
  `core.ServicePort{Name:"", Protocol:"${protocol}", AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;

const cases: { name: string; svc: ReturnType<typeof service>; want: string[] }[] = [
  { name: 'valid ClusterIP service', svc: service('web', { selector: { app: 'web' }, ports: [{ port: 80 }] }), want: [] },
  { name: 'service name must be a DNS-1035 label', svc: service('Foo', { ports: [{ port: 80 }] }), want: [`metadata.name: Invalid value: "Foo": ${dns1035}`] },
  { name: 'name starting with a digit', svc: service('1web', { ports: [{ port: 80 }] }), want: [`metadata.name: Invalid value: "1web": ${dns1035}`] },
  {
    name: 'two ports both 443',
    svc: service('two-ports', { ports: [{ port: 443 }, { port: 443 }] }),
    want: ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value', `spec.ports[1]: Duplicate value: ${portStruct(443)}`],
  },
  {
    name: 'duplicate names and ports',
    svc: service('two-ports', { ports: [{ name: 'https', port: 443 }, { name: 'http', port: 80 }, { name: 'http', port: 443 }] }),
    want: ['spec.ports[2].name: Duplicate value: "http"', `spec.ports[2]: Duplicate value: ${portStruct(443)}`],
  },
  { name: 'same port, other protocol is fine', svc: service('dns', { ports: [{ name: 'a', port: 53 }, { name: 'b', port: 53, protocol: 'UDP' }] }), want: [] },
  { name: 'port out of range', svc: service('x', { ports: [{ port: 70000 }] }), want: ['spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive'] },
  { name: 'port zero', svc: service('x', { ports: [{ port: 0, targetPort: 8080 }] }), want: ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'] },
  {
    name: 'unsupported protocol',
    svc: service('x', { ports: [{ port: 80, protocol: 'ICMP' }] }),
    want: ['spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'],
  },
  { name: 'named targetPort', svc: service('x', { ports: [{ port: 80, targetPort: 'http' }] }), want: [] },
  {
    name: 'bad named targetPort',
    svc: service('x', { ports: [{ port: 80, targetPort: 'Http_Port' }] }),
    want: [
      'spec.ports[0].targetPort: Invalid value: "Http_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ],
  },
  { name: 'port name must be a DNS label', svc: service('x', { ports: [{ name: 'HTTP', port: 80 }] }), want: [`spec.ports[0].name: Invalid value: "HTTP": ${dns1123Label}`] },
  {
    name: 'unsupported type',
    svc: service('x', { type: 'Ingress', ports: [{ port: 80 }] }),
    want: ['spec.type: Unsupported value: "Ingress": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
  },
  { name: 'duplicate nodePort', svc: service('x', { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81, nodePort: 30080 }] }), want: ['spec.ports[1].nodePort: Duplicate value: 30080'] },
  { name: 'nodePort on ClusterIP', svc: service('x', { ports: [{ port: 80, nodePort: 30080 }] }), want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"] },
  { name: 'headless NodePort', svc: service('x', { type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }), want: ['spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services'] },
  { name: 'headless without ports', svc: service('x', { clusterIP: 'None', selector: { app: 'x' } }), want: [] },
  { name: 'headless without selector (both families)', svc: service('x', { clusterIP: 'None', ports: [{ port: 5432 }] }), want: [] },
  { name: 'ports required', svc: service('x', { selector: { app: 'x' } }), want: ['spec.ports: Required value'] },
  { name: 'ExternalName needs externalName', svc: service('x', { type: 'ExternalName' }), want: ['spec.externalName: Required value'] },
  { name: 'ExternalName with name', svc: service('x', { type: 'ExternalName', externalName: 'db.example.com.' }), want: [] },
  {
    name: 'bad clusterIP',
    svc: service('x', { clusterIP: '10.0.0.300', ports: [{ port: 80 }] }),
    want: ['spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
  },
  {
    name: 'sessionAffinity value',
    svc: service('x', { sessionAffinity: 'Sticky', ports: [{ port: 80 }] }),
    want: ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'],
  },
  {
    name: 'ClientIP timeout too long',
    svc: service('x', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 90000 } }, ports: [{ port: 80 }] }),
    want: ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 90000: must be greater than 0 and less than 86400'],
  },
  {
    name: 'externalTrafficPolicy on ClusterIP',
    svc: service('x', { externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }),
    want: ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
  },
  { name: 'LB with Local policy before healthCheckNodePort allocation', svc: service('x', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }), want: [] },
  {
    name: 'selector labels',
    svc: service('x', { selector: { 'app!': 'x' }, ports: [{ port: 80 }] }),
    want: [
      "spec.selector: Invalid value: \"app!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
  },
  {
    name: 'source ranges need LoadBalancer and CIDRs',
    svc: service('x', { loadBalancerSourceRanges: ['10.0.0.0/8', 'nope'], ports: [{ port: 80 }] }),
    want: [
      "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
      'spec.LoadBalancerSourceRanges[1]: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ],
  },
  {
    name: 'externalIPs may not be loopback',
    svc: service('x', { externalIPs: ['127.0.0.1'], ports: [{ port: 80 }] }),
    want: ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
  },
  { name: 'namespace required', svc: service('x', { ports: [{ port: 80 }] }, { namespace: undefined }), want: ['metadata.namespace: Required value'] },
];

for (const c of cases) {
  test(`Service: ${c.name}`, () => assert.deepEqual(errorsOf(c.svc), c.want));
}

test('Service update: clusterIP may not change', () => {
  const old = service('web', { clusterIP: '10.96.0.5', ports: [{ port: 80 }] });
  const changed = service('web', { clusterIP: '10.96.0.6', ports: [{ port: 80 }] });
  assert.deepEqual(errorsOf(changed, old), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.6"}: may not change once set']);
});

test('Service update: a body without clusterIP keeps the allocated one', () => {
  const old = service('web', { clusterIP: '10.96.0.5', ports: [{ port: 80 }] });
  assert.deepEqual(errorsOf(service('web', { ports: [{ port: 81 }] }), old), []);
});

test('Service update: name is immutable', () => {
  const old = service('web', { ports: [{ port: 80 }] });
  assert.deepEqual(errorsOf(service('web2', { ports: [{ port: 80 }] }), old), ['metadata.name: Invalid value: "web2": field is immutable']);
});

test('Service update: NodePort → ClusterIP drops the node ports and traffic policy it no longer uses', () => {
  const old = service('web', { type: 'NodePort', clusterIP: '10.96.0.5', ports: [{ port: 80, nodePort: 30080 }] });
  // What `kubectl patch -p '{"spec":{"type":"ClusterIP"}}'` sends: the old object with a new type.
  const patched = service('web', { type: 'ClusterIP', clusterIP: '10.96.0.5', externalTrafficPolicy: 'Cluster', ports: [{ port: 80, nodePort: 30080 }] });
  assert.deepEqual(errorsOf(patched, old), []);
  const asked = service('web', { type: 'ClusterIP', clusterIP: '10.96.0.5', ports: [{ port: 80, nodePort: 30081 }] });
  assert.deepEqual(errorsOf(asked, old), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
});

test('Service update: ClusterIP → ExternalName drops the cluster IP', () => {
  const old = service('web', { clusterIP: '10.96.0.5', ports: [{ port: 80 }] });
  const patched = service('web', { type: 'ExternalName', externalName: 'db.example.com', clusterIP: '10.96.0.5', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ port: 80 }] });
  assert.deepEqual(errorsOf(patched, old), []);
});

test('Service update: LoadBalancer → NodePort may keep the stored load-balancer status', () => {
  const old = service('web', { type: 'LoadBalancer', clusterIP: '10.96.0.5', ports: [{ port: 80, nodePort: 30080 }] });
  old.status = { loadBalancer: { ingress: [{ ip: '192.168.1.10', ipMode: 'VIP' }] } };
  const changed = service('web', { type: 'NodePort', clusterIP: '10.96.0.5', ports: [{ port: 80, nodePort: 30080 }] });
  changed.status = old.status;
  assert.deepEqual(errorsOf(changed, old), []);
});
