/** Nodes: STATUS from the Ready condition and cordoning, ROLES from labels, and nodeInfo. */
import { timeSince } from '../duration.js';
import { list, obj, str, stringMap, type Obj } from '../fields.js';
import { compareStrings } from '../selector.js';
import { ageColumn, column, docColumn, nameColumn, wide, type Printer } from '../types.js';

const rolePrefix = 'node-role.kubernetes.io/';
const legacyRoleLabel = 'kubernetes.io/role';

export const nodePrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn,
    docColumn('Version', 'string', 'core/v1 NodeSystemInfo.kubeletVersion'),
    docColumn('Internal-IP', 'string', 'core/v1 NodeStatus.addresses', wide),
    docColumn('External-IP', 'string', 'core/v1 NodeStatus.addresses', wide),
    docColumn('OS-Image', 'string', 'core/v1 NodeSystemInfo.osImage', wide),
    docColumn('Kernel-Version', 'string', 'core/v1 NodeSystemInfo.kernelVersion', wide),
    docColumn('Container-Runtime', 'string', 'core/v1 NodeSystemInfo.containerRuntimeVersion', wide),
  ],
  cells(node, now) {
    const status = obj(node, 'status');
    const info = obj(status, 'nodeInfo');
    const roles = nodeRoles(node.metadata.labels ?? {});
    return [
      node.metadata.name ?? '',
      nodeStatus(status, obj(node, 'spec').unschedulable === true),
      roles.length > 0 ? roles.join(',') : '<none>',
      timeSince(node.metadata.creationTimestamp, now),
      str(info, 'kubeletVersion'),
      firstAddress(status, 'InternalIP'),
      firstAddress(status, 'ExternalIP'),
      str(info, 'osImage') || '<unknown>',
      str(info, 'kernelVersion') || '<unknown>',
      str(info, 'containerRuntimeVersion') || '<unknown>',
    ];
  },
};

/** `Ready`, `NotReady` or `Unknown` (no Ready condition), plus `,SchedulingDisabled` when cordoned. */
function nodeStatus(status: Obj, unschedulable: boolean): string {
  // The last Ready condition wins, as upstream indexes conditions by type.
  const ready = list(status, 'conditions').filter((c) => str(c, 'type') === 'Ready').pop();
  const parts = [ready === undefined ? 'Unknown' : str(ready, 'status') === 'True' ? 'Ready' : 'NotReady'];
  if (unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** Sorted, unique roles from `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role` values. */
export function nodeRoles(labels: Record<string, string>): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(stringMap({ labels }, 'labels'))) {
    if (key.startsWith(rolePrefix) && key.length > rolePrefix.length) roles.add(key.slice(rolePrefix.length));
    else if (key === legacyRoleLabel && value !== '') roles.add(value);
  }
  return [...roles].sort(compareStrings);
}

function firstAddress(status: Obj, type: string): string {
  const address = list(status, 'addresses').find((a) => str(a, 'type') === type);
  return address ? str(address, 'address') : '<none>';
}
