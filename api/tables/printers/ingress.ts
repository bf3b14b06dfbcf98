/** Ingresses (CLASS, HOSTS, ADDRESS, PORTS) and IngressClasses (CONTROLLER, PARAMETERS). */
import { timeSince } from '../duration.js';
import { list, obj, optObj, optStr, str, type Obj } from '../fields.js';
import { loadBalancerAddresses } from './service.js';
import { ageColumn, column, nameColumn, type Printer } from '../types.js';

const shownHosts = 3;

export const ingressPrinter: Printer = {
  columns: [
    nameColumn,
    column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn,
  ],
  cells(ing, now) {
    const spec = obj(ing, 'spec');
    return [
      ing.metadata.name ?? '',
      optStr(spec, 'ingressClassName') ?? '<none>',
      formatHosts(list(spec, 'rules')),
      loadBalancerAddresses(obj(obj(ing, 'status'), 'loadBalancer')).join(','),
      // Upstream reports the ports an ingress controller conventionally opens, not real ones.
      list(spec, 'tls').length > 0 ? '80, 443' : '80',
      timeSince(ing.metadata.creationTimestamp, now),
    ];
  },
};

export const ingressClassPrinter: Printer = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageColumn,
  ],
  cells(ic, now) {
    const spec = obj(ic, 'spec');
    return [ic.metadata.name ?? '', str(spec, 'controller'), parametersCell(optObj(spec, 'parameters')), timeSince(ic.metadata.creationTimestamp, now)];
  },
};

/**
 * The first three rule hosts, `*` when no rule names one. Upstream counts the rest by rules,
 * host or not, so `a,b,c + 2 more...` may hide a host-less rule.
 */
export function formatHosts(rules: Obj[]): string {
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === shownHosts) more = true;
    const host = str(rule, 'host');
    if (!more && host !== '') hosts.push(host);
  }
  if (hosts.length === 0) return '*';
  return more ? `${hosts.join(',')} + ${rules.length - shownHosts} more...` : hosts.join(',');
}

/** `Kind.apiGroup/name` (or `Kind/name` for the core group), `<none>` without parameters. */
function parametersCell(parameters: Obj | undefined): string {
  if (!parameters) return '<none>';
  const group = optStr(parameters, 'apiGroup');
  const kind = group === undefined ? str(parameters, 'kind') : `${str(parameters, 'kind')}.${group}`;
  return `${kind}/${str(parameters, 'name')}`;
}
