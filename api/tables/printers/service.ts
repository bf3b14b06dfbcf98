/** Services: TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S) and (wide) SELECTOR. */
import { timeSince } from '../duration.js';
import { int, list, obj, str, stringMap, strings, type Obj } from '../fields.js';
import { compareStrings, formatLabels } from '../selector.js';
import { ageColumn, docColumn, nameColumn, wide, type Printer } from '../types.js';

export const servicePrinter: Printer = {
  columns: [
    nameColumn,
    docColumn('Type', 'string', 'core/v1 ServiceSpec.type'),
    docColumn('Cluster-IP', 'string', 'core/v1 ServiceSpec.clusterIP'),
    docColumn('External-IP', 'string', 'core/v1 ServiceSpec.externalIPs'),
    docColumn('Port(s)', 'string', 'core/v1 ServiceSpec.ports'),
    ageColumn,
    docColumn('Selector', 'string', 'core/v1 ServiceSpec.selector', wide),
  ],
  cells(svc, now) {
    const spec = obj(svc, 'spec');
    return [
      svc.metadata.name ?? '',
      serviceType(spec),
      clusterIP(spec),
      externalIP(spec, obj(obj(svc, 'status'), 'loadBalancer')),
      portsCell(list(spec, 'ports')),
      timeSince(svc.metadata.creationTimestamp, now),
      formatLabels(stringMap(spec, 'selector')),
    ];
  },
};

/** The API server defaults an absent type to ClusterIP before anything prints it. */
function serviceType(spec: Obj): string {
  return str(spec, 'type') || 'ClusterIP';
}

/** First of `clusterIPs` (`None` for headless), else the legacy single field, else `<none>`. */
function clusterIP(spec: Obj): string {
  return strings(spec, 'clusterIPs')[0] || str(spec, 'clusterIP') || '<none>';
}

/**
 * ClusterIP/NodePort: `externalIPs` or `<none>`. LoadBalancer: the sorted, de-duplicated
 * ingress addresses followed by `externalIPs`, or `<pending>` while there are none.
 * ExternalName: the DNS name it aliases.
 */
export function externalIP(spec: Obj, loadBalancer: Obj): string {
  const externalIPs = strings(spec, 'externalIPs');
  switch (serviceType(spec)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const all = [...loadBalancerAddresses(loadBalancer), ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec, 'externalName');
    default:
      return '<unknown>';
  }
}

/**
 * Each ingress point's IP, or its hostname when it has no IP; sorted and unique. Upstream clips
 * this to 16 characters only for non-wide output, which the API server never produces.
 */
export function loadBalancerAddresses(loadBalancer: Obj): string[] {
  const addresses = new Set<string>();
  for (const ingress of list(loadBalancer, 'ingress')) {
    const address = str(ingress, 'ip') || str(ingress, 'hostname');
    if (address) addresses.add(address);
  }
  return [...addresses].sort(compareStrings);
}

/** `80/TCP`, `80:31326/TCP` when a node port is allocated; `<none>` without ports. */
function portsCell(ports: Obj[]): string {
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => {
      const protocol = str(p, 'protocol') || 'TCP';
      const nodePort = int(p, 'nodePort');
      return nodePort > 0 ? `${int(p, 'port')}:${nodePort}/${protocol}` : `${int(p, 'port')}/${protocol}`;
    })
    .join(',');
}
