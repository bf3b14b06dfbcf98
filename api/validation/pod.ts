/** PodSpec, Pod and pod template validation (core/validation, 1.32). */
import { fieldErr, type FieldError } from '../errors.js';
import { checkHostPortConflicts, validateContainerCommon, validateProbesAndLifecycle, type ContainerContext } from './container.js';
import { validateLabelName, validateLabels } from './labels.js';
import { inclusiveRangeError, isDNS1123Subdomain, isValidLabelValue, nameIsDNSSubdomain } from './names.js';
import { isValidIP } from './net.js';
import { goStringSlice } from './gorepr.js';
import { validateAnnotations, validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';
import { validateDNS1123Label, validateQualifiedName } from './common.js';
import { validatePodSecurityContext, validateShareProcessNamespace } from './security.js';
import { validateAffinity, validateTopologySpreadConstraints } from './affinity.js';
import { asArray, asNumber, asObj, asString, clone, deepEqual, isSet, objOrEmpty, type Obj } from './util.js';

const volumeSources = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

function validateVolumes(volumes: unknown, path: string): { names: Set<string>; errs: FieldError[] } {
  const names = new Set<string>();
  const errs: FieldError[] = [];
  asArray(volumes).forEach((raw, i) => {
    const v = objOrEmpty(raw);
    const at = `${path}[${i}]`;
    const el: FieldError[] = [];
    const sources = volumeSources.filter((s) => isSet(v[s]));
    sources.slice(1).forEach((s) => el.push(fieldErr.forbidden(`${at}.${s}`, 'may not specify more than 1 volume type')));
    if (sources.length === 0) el.push(fieldErr.required(at, 'must specify a volume type'));
    const name = asString(v.name);
    if (!name) el.push(fieldErr.required(`${at}.name`));
    else el.push(...validateDNS1123Label(name, `${at}.name`));
    if (names.has(name)) el.push(fieldErr.duplicate(`${at}.name`, name));
    if (el.length === 0) names.add(name);
    errs.push(...el);
  });
  return { names, errs };
}

function validateContainers(containers: Obj[], ctx: ContainerContext, path: string): FieldError[] {
  if (containers.length === 0) return [fieldErr.required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, ctx, at));
    const name = asString(c.name);
    if (names.has(name)) errs.push(fieldErr.duplicate(`${at}.name`, name));
    else names.add(name);
    errs.push(...validateProbesAndLifecycle(c, ctx.gracePeriod, at));
    if (isSet(c.restartPolicy)) errs.push(fieldErr.forbidden(`${at}.restartPolicy`, 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(containers, path));
  return errs;
}

function validateInitContainers(inits: Obj[], regular: Obj[], ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(regular.map((c) => asString(c.name)));
  inits.forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, ctx, at));
    let restartAlways = false;
    if (isSet(c.restartPolicy)) {
      const rp = asString(c.restartPolicy);
      if (rp !== 'Always') errs.push(fieldErr.notSupported(`${at}.restartPolicy`, rp, ['Always']));
      restartAlways = rp === 'Always';
    }
    const name = asString(c.name);
    if (names.has(name)) errs.push(fieldErr.duplicate(`${at}.name`, name));
    else if (name) names.add(name);
    errs.push(...checkHostPortConflicts([c], path, i));
    if (restartAlways) errs.push(...validateProbesAndLifecycle(c, ctx.gracePeriod, at));
    else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (isSet(c[f])) errs.push(fieldErr.forbidden(`${at}.${f}`, 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(tolerations).forEach((raw, i) => {
    const t = objOrEmpty(raw);
    const at = `${path}[${i}]`;
    const key = asString(t.key);
    const operator = asString(t.operator);
    const effect = asString(t.effect);
    if (key) errs.push(...validateLabelName(key, `${at}.key`));
    if (!key && operator !== 'Exists') {
      errs.push(fieldErr.invalid(`${at}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (isSet(t.tolerationSeconds) && effect !== 'NoExecute') {
      errs.push(fieldErr.invalid(`${at}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    const value = asString(t.value);
    if (operator === 'Equal' || operator === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length) errs.push(fieldErr.invalid(`${at}.operator`, value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value) errs.push(fieldErr.invalid(`${at}.operator`, value, "value must be empty when `operator` is 'Exists'"));
    } else errs.push(fieldErr.notSupported(`${at}.operator`, operator, ['Equal', 'Exists']));
    if (effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) {
      errs.push(fieldErr.notSupported(`${at}.effect`, effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
  return errs;
}

function validateDNSConfig(spec: Obj, path: string): FieldError[] {
  const cfg = asObj(spec.dnsConfig);
  if (asString(spec.dnsPolicy) === 'None') {
    if (!cfg) return [fieldErr.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (asArray(cfg.nameservers).length === 0) return [fieldErr.required(`${path}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!cfg) return [];
  const errs: FieldError[] = [];
  const ns = asArray(cfg.nameservers).map(asString);
  if (ns.length > 3) errs.push(fieldErr.invalid(`${path}.nameservers`, goStringSlice(ns), 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => errs.push(...isValidIP(`${path}.nameservers[${i}]`, n)));
  asArray(cfg.searches).forEach((s, i) => {
    const search = asString(s).replace(/\.$/, '');
    errs.push(...isDNS1123Subdomain(search).map((m) => fieldErr.invalid(`${path}.searches[${i}]`, search, m)));
  });
  asArray(cfg.options).forEach((o, i) => {
    if (!asString(objOrEmpty(o).name)) errs.push(fieldErr.required(`${path}.options[${i}]`, 'must not be empty'));
  });
  return errs;
}

function validateEnum(value: string, path: string, supported: string[]): FieldError[] {
  if (supported.includes(value)) return [];
  return value ? [fieldErr.notSupported(path, value, supported)] : [fieldErr.required(path)];
}

function subdomainField(value: unknown, path: string): FieldError[] {
  const v = asString(value);
  return v ? nameIsDNSSubdomain(v, false).map((m) => fieldErr.invalid(path, v, m)) : [];
}

/** `isPod` is upstream's ResourceIsPod: a Pod, not a template inside a Deployment or ReplicaSet. */
export function validatePodSpec(specValue: unknown, path: string, isPod: boolean): FieldError[] {
  const spec = objOrEmpty(specValue);
  const errs: FieldError[] = [];
  if (!isSet(spec.terminationGracePeriodSeconds)) errs.push(fieldErr.required(`${path}.terminationGracePeriodSeconds`));
  const gracePeriod = isSet(spec.terminationGracePeriodSeconds) ? asNumber(spec.terminationGracePeriodSeconds) : undefined;
  const vols = validateVolumes(spec.volumes, `${path}.volumes`);
  errs.push(...vols.errs);
  const ctx: ContainerContext = { volumes: vols.names, gracePeriod };
  const containers = asArray(spec.containers).map(objOrEmpty);
  const inits = asArray(spec.initContainers).map(objOrEmpty);
  errs.push(...validateContainers(containers, ctx, `${path}.containers`));
  errs.push(...validateInitContainers(inits, containers, ctx, `${path}.initContainers`));
  if (spec.hostNetwork === true) {
    containers.forEach((c, i) =>
      asArray(c.ports).forEach((raw, j) => {
        const p = objOrEmpty(raw);
        const hp = asNumber(p.hostPort);
        if ((isPod || hp !== 0) && hp !== asNumber(p.containerPort)) {
          errs.push(fieldErr.invalid(`${path}.containers[${i}].ports[${j}].hostPort`, hp, 'must match `containerPort` when `hostNetwork` is true'));
        }
      }),
    );
  }
  errs.push(...validateEnum(asString(spec.restartPolicy), `${path}.restartPolicy`, ['Always', 'OnFailure', 'Never']));
  errs.push(...validateEnum(asString(spec.dnsPolicy), `${path}.dnsPolicy`, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(spec.securityContext, `${path}.securityContext`));
  errs.push(...validateShareProcessNamespace(spec, `${path}.securityContext`));
  errs.push(...validateAffinity(spec.affinity, `${path}.affinity`));
  errs.push(...validateDNSConfig(spec, `${path}.dnsConfig`));
  asArray(spec.readinessGates).forEach((g, i) =>
    errs.push(...validateQualifiedName(asString(objOrEmpty(g).conditionType), `${path}.readinessGates[${i}].conditionType`)),
  );
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  errs.push(...subdomainField(spec.serviceAccountName, `${path}.serviceAccountName`));
  errs.push(...subdomainField(spec.nodeName, `${path}.nodeName`));
  if (isSet(spec.activeDeadlineSeconds)) {
    const v = asNumber(spec.activeDeadlineSeconds);
    if (v < 1 || v > 2147483647) errs.push(fieldErr.invalid(`${path}.activeDeadlineSeconds`, v, inclusiveRangeError(1, 2147483647)));
  }
  if (asString(spec.hostname)) errs.push(...validateDNS1123Label(asString(spec.hostname), `${path}.hostname`));
  if (asString(spec.subdomain)) errs.push(...validateDNS1123Label(asString(spec.subdomain), `${path}.subdomain`));
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  errs.push(...subdomainField(spec.priorityClassName, `${path}.priorityClassName`));
  if (isSet(spec.preemptionPolicy)) {
    errs.push(...validateEnum(asString(spec.preemptionPolicy), `${path}.preemptionPolicy`, ['PreemptLowerPriority', 'Never']));
  }
  return errs;
}

/** Pod-only checks that templates skip for backward compatibility. */
function validatePodOnly(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const list of ['containers', 'initContainers']) {
    asArray(spec[list]).forEach((raw, i) => {
      const image = asString(objOrEmpty(raw).image);
      if (image !== image.trim()) errs.push(fieldErr.invalid(`${path}.${list}[${i}].image`, image, 'must not have leading or trailing whitespace'));
    });
  }
  return errs;
}

function validatePodMetadataAndSpec(pod: Obj): FieldError[] {
  const spec = objOrEmpty(pod.spec);
  return [...validateObjectMeta(pod.metadata, true, nameIsDNSSubdomain), ...validatePodSpec(spec, 'spec', true), ...validatePodOnly(spec, 'spec')];
}

export function validatePod(pod: Obj): FieldError[] {
  const spec = objOrEmpty(pod.spec);
  const errs = validatePodMetadataAndSpec(pod);
  if (asArray(spec.ephemeralContainers).length > 0) errs.push(fieldErr.forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (asString(spec.nodeName) && asArray(spec.schedulingGates).length > 0) {
    errs.push(fieldErr.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

/** Template labels and annotations are reported at `<path>.labels`, as upstream does. */
export function validatePodTemplateSpec(templateValue: unknown, path: string): FieldError[] {
  const tmpl = objOrEmpty(templateValue);
  const meta = objOrEmpty(tmpl.metadata);
  const errs = [...validateLabels(meta.labels, `${path}.labels`), ...validateAnnotations(meta.annotations, `${path}.annotations`)];
  errs.push(...validatePodSpec(tmpl.spec, `${path}.spec`, false));
  if (asArray(objOrEmpty(tmpl.spec).ephemeralContainers).length > 0) {
    errs.push(fieldErr.forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function containerUpdateErrors(list: unknown, oldList: unknown, path: string): { errs: FieldError[]; stop: boolean } {
  const cur = asArray(list).map(objOrEmpty);
  if (cur.length !== asArray(oldList).length) return { errs: [fieldErr.forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  cur.forEach((c, i) => {
    const image = asString(c.image);
    if (!image) errs.push(fieldErr.required(`${path}[${i}].image`));
    if (image.trim() !== image) errs.push(fieldErr.invalid(`${path}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

/** A short stand-in for the cmp.Diff upstream appends: one -/+ pair per changed spec field. */
function specDiff(oldSpec: Obj, newSpec: Obj): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])];
  const goName = (k: string) => k.charAt(0).toUpperCase() + k.slice(1);
  const lines = keys
    .filter((k) => !deepEqual(oldSpec[k], newSpec[k]))
    .flatMap((k) => [
      ...(oldSpec[k] !== undefined ? [`- \t${goName(k)}: ${JSON.stringify(oldSpec[k])},`] : []),
      ...(newSpec[k] !== undefined ? [`+ \t${goName(k)}: ${JSON.stringify(newSpec[k])},`] : []),
    ]);
  return ['  core.PodSpec{', ...lines, '  }', ''].join('\n');
}

function tolerationsOnlyAdded(newValue: unknown, oldValue: unknown): boolean {
  const cur = asArray(newValue).map(objOrEmpty);
  return asArray(oldValue).every((o) => {
    const old = objOrEmpty(o);
    return cur.some((t) => deepEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
  });
}

export function validatePodUpdate(pod: Obj, old: Obj): FieldError[] {
  const spec = objOrEmpty(pod.spec);
  const oldSpec = objOrEmpty(old.spec);
  const errs = [...validateObjectMetaUpdate(pod.metadata, old.metadata), ...validatePodMetadataAndSpec(pod)];
  for (const list of ['containers', 'initContainers']) {
    const r = containerUpdateErrors(spec[list], oldSpec[list], `spec.${list}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  if (isSet(spec.activeDeadlineSeconds)) {
    const v = asNumber(spec.activeDeadlineSeconds);
    if (v < 0 || v > 2147483647) return [...errs, fieldErr.invalid('spec.activeDeadlineSeconds', v, inclusiveRangeError(0, 2147483647))];
    if (isSet(oldSpec.activeDeadlineSeconds) && asNumber(oldSpec.activeDeadlineSeconds) < v) {
      return [...errs, fieldErr.invalid('spec.activeDeadlineSeconds', v, 'must be less than or equal to previous value')];
    }
  } else if (isSet(oldSpec.activeDeadlineSeconds)) {
    errs.push(fieldErr.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  if (!tolerationsOnlyAdded(spec.tolerations, oldSpec.tolerations)) {
    errs.push(fieldErr.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
  }
  if (deepEqual(spec, oldSpec)) return errs;
  const munged = mungeUpdatableFields(spec, oldSpec);
  if (!deepEqual(munged, oldSpec)) {
    errs.push(fieldErr.forbidden('spec', `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${specDiff(oldSpec, munged)}`));
  }
  return errs;
}

/** The new spec with every field a pod update may change put back to its old value. */
function mungeUpdatableFields(spec: Obj, oldSpec: Obj): Obj {
  const munged = clone(spec);
  for (const list of ['containers', 'initContainers']) {
    const oldList = asArray(oldSpec[list]).map(objOrEmpty);
    asArray(munged[list]).forEach((c, i) => {
      const o = asObj(c);
      if (o) o.image = oldList[i]?.image;
    });
  }
  const restore = (k: string) => {
    if (oldSpec[k] === undefined) delete munged[k];
    else munged[k] = clone(oldSpec[k]);
  };
  restore('activeDeadlineSeconds');
  restore('schedulingGates');
  restore('tolerations');
  if (asNumber(oldSpec.terminationGracePeriodSeconds) < 0 && munged.terminationGracePeriodSeconds === 1) restore('terminationGracePeriodSeconds');
  // Binding a pod sets nodeName once (the binding subresource upstream); changing it later is not allowed.
  if (!asString(oldSpec.nodeName)) restore('nodeName');
  return munged;
}
