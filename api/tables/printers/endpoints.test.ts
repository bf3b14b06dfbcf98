import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointSlicePrinter, endpointsPrinter } from './endpoints.js';
import { kube, row } from './testing.js';

const addr = (...ips: string[]) => ips.map((ip) => ({ ip }));

test('endpoints: ip:port pairs, three shown then a count', () => {
  const cases: [string, unknown, string][] = [
    ['no subsets', undefined, '<none>'],
    ['one subset, one port', [{ addresses: addr('10.244.0.2'), ports: [{ port: 80, protocol: 'TCP' }] }], '10.244.0.2:80'],
    [
      'five addresses',
      [{ addresses: addr('10.244.0.2', '10.244.0.3', '10.244.0.4', '10.244.0.5', '10.244.0.6'), ports: [{ port: 80, protocol: 'TCP' }] }],
      '10.244.0.2:80,10.244.0.3:80,10.244.0.4:80 + 2 more...',
    ],
    [
      'two ports multiply the addresses, port by port',
      [{ addresses: addr('10.244.0.2', '10.244.0.3'), ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }],
      '10.244.0.2:80,10.244.0.3:80,10.244.0.2:443 + 1 more...',
    ],
    ['headless without ports: bare IPs', [{ addresses: addr('10.244.1.2', '10.244.1.3') }], '10.244.1.2,10.244.1.3'],
    ['IPv6 in brackets', [{ addresses: addr('fd00::5'), ports: [{ port: 8080 }] }], '[fd00::5]:8080'],
    ['only not-ready addresses print as empty', [{ notReadyAddresses: addr('10.244.0.9'), ports: [{ port: 80 }] }], ''],
  ];
  for (const [what, subsets, want] of cases) {
    const ep = kube('Endpoints', 'v1', 'web', subsets === undefined ? {} : { subsets });
    assert.deepEqual(Object.values(row(endpointsPrinter, ep)), ['web', want, '2m'], what);
  }
  assert.deepEqual(endpointsPrinter.columns.map((c) => c.name), ['Name', 'Endpoints', 'Age']);
});

test('endpointslices: ADDRESSTYPE, PORTS and ENDPOINTS', () => {
  assert.deepEqual(endpointSlicePrinter.columns.map((c) => c.name), ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
  const cases: [string, Record<string, unknown>, unknown[]][] = [
    [
      'a typical slice',
      {
        addressType: 'IPv4',
        ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
        endpoints: [{ addresses: ['10.244.0.2'], conditions: { ready: true } }, { addresses: ['10.244.0.3'], conditions: { ready: true } }],
      },
      ['web-abc12', 'IPv4', '80', '10.244.0.2,10.244.0.3', '2m'],
    ],
    [
      'more than three of each; port without number shows its name, neither shows *',
      {
        addressType: 'IPv4',
        ports: [{ port: 80 }, { name: 'metrics' }, {}, { port: 9090 }],
        endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }, { addresses: ['10.0.0.5'] }],
      },
      ['web-abc12', 'IPv4', '80,metrics,* + 1 more...', '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...', '2m'],
    ],
    ['empty slice', { addressType: 'IPv6', endpoints: [] }, ['web-abc12', 'IPv6', '<unset>', '<unset>', '2m']],
  ];
  for (const [what, body, want] of cases) {
    const slice = kube('EndpointSlice', 'discovery.k8s.io/v1', 'web-abc12', body);
    assert.deepEqual(Object.values(row(endpointSlicePrinter, slice)), want, what);
  }
});
