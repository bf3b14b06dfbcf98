/** Which printer serves which resource; anything else gets the API server's default table. */
import { defaultPrinter } from './default.js';
import { endpointSlicePrinter, endpointsPrinter } from './endpoints.js';
import { eventPrinter } from './event.js';
import { ingressClassPrinter, ingressPrinter } from './ingress.js';
import { nodePrinter } from './node.js';
import { podPrinter } from './pod.js';
import { servicePrinter } from './service.js';
import { configMapPrinter, leasePrinter, namespacePrinter, secretPrinter, serviceAccountPrinter } from './simple.js';
import { deploymentPrinter, replicaSetPrinter } from './workloads.js';
import type { Printer } from '../types.js';

/** Keyed by `resource.group` (just `resource` for the core group), as upstream keys by group kind. */
const printers = new Map<string, Printer>([
  ['namespaces', namespacePrinter],
  ['nodes', nodePrinter],
  ['pods', podPrinter],
  ['services', servicePrinter],
  ['endpoints', endpointsPrinter],
  ['secrets', secretPrinter],
  ['configmaps', configMapPrinter],
  ['events', eventPrinter],
  ['serviceaccounts', serviceAccountPrinter],
  ['deployments.apps', deploymentPrinter],
  ['replicasets.apps', replicaSetPrinter],
  ['endpointslices.discovery.k8s.io', endpointSlicePrinter],
  ['ingresses.networking.k8s.io', ingressPrinter],
  ['ingressclasses.networking.k8s.io', ingressClassPrinter],
  ['leases.coordination.k8s.io', leasePrinter],
]);

export function printerFor(r: { group: string; resource: string }): Printer {
  return printers.get(r.group ? `${r.resource}.${r.group}` : r.resource) ?? defaultPrinter;
}

export { defaultPrinter };
