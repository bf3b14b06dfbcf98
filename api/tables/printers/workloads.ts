/** Deployments and ReplicaSets: replica counts, and (wide) containers, images and selector. */
import type { KubeObject } from '../../types.js';
import { timeSince } from '../duration.js';
import { containerCells, int, obj, optInt, type Obj } from '../fields.js';
import { formatLabelSelector, labelSelectorString, type LabelSelector } from '../selector.js';
import { ageColumn, column, containersColumn, docColumn, imagesColumn, nameColumn, wide, type Printer } from '../types.js';

export const deploymentPrinter: Printer = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Number of the pod with ready state'),
    docColumn('Up-to-date', 'string', 'extensions/v1beta1 DeploymentStatus.updatedReplicas'),
    docColumn('Available', 'string', 'extensions/v1beta1 DeploymentStatus.availableReplicas'),
    ageColumn,
    containersColumn,
    imagesColumn,
    docColumn('Selector', 'string', 'extensions/v1beta1 DeploymentSpec.selector', wide),
  ],
  cells(d, now) {
    const spec = obj(d, 'spec');
    const status = obj(d, 'status');
    const [names, images] = containerCells(podSpec(spec));
    return [
      d.metadata.name ?? '',
      `${int(status, 'readyReplicas')}/${desiredReplicas(spec)}`,
      int(status, 'updatedReplicas'),
      int(status, 'availableReplicas'),
      timeSince(d.metadata.creationTimestamp, now),
      names,
      images,
      // Unlike other printers, Deployments print an empty selector as '' and a bad one as <invalid>.
      labelSelectorString(selectorOf(spec)) ?? '<invalid>',
    ];
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    nameColumn,
    docColumn('Desired', 'integer', 'extensions/v1beta1 ReplicaSetSpec.replicas'),
    docColumn('Current', 'integer', 'extensions/v1beta1 ReplicaSetStatus.replicas'),
    docColumn('Ready', 'integer', 'extensions/v1beta1 ReplicaSetStatus.readyReplicas'),
    ageColumn,
    containersColumn,
    imagesColumn,
    docColumn('Selector', 'string', 'extensions/v1beta1 ReplicaSetSpec.selector', wide),
  ],
  cells(rs: KubeObject, now) {
    const spec = obj(rs, 'spec');
    const status = obj(rs, 'status');
    const [names, images] = containerCells(podSpec(spec));
    return [
      rs.metadata.name ?? '',
      desiredReplicas(spec),
      int(status, 'replicas'),
      int(status, 'readyReplicas'),
      timeSince(rs.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(selectorOf(spec)),
    ];
  },
};

/** `spec.replicas`, which the API server defaults to 1. */
function desiredReplicas(spec: Obj): number {
  return optInt(spec, 'replicas') ?? 1;
}

function podSpec(spec: Obj): Obj {
  return obj(obj(spec, 'template'), 'spec');
}

function selectorOf(spec: Obj): LabelSelector | undefined {
  const sel = spec.selector;
  return typeof sel === 'object' && sel !== null && !Array.isArray(sel) ? (sel as LabelSelector) : undefined;
}
