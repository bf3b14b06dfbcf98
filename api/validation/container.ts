/** Container-level validation shared by Pods and pod templates (core/validation, 1.32). */
import { fieldErr, type FieldError } from '../errors.js';
import { isConfigMapKey, isHTTPHeaderName, isQualifiedName, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { parseQuantity, quantityText } from './quantity.js';
import { supportedProtocols, validateDNS1123Label, validatePortNumOrName } from './common.js';
import { validateNonnegative } from './objectmeta.js';
import { validateContainerSecurityContext } from './security.js';
import { asArray, asNumber, asObj, asString, isSet, objOrEmpty, type Obj } from './util.js';

export interface ContainerContext {
  volumes: Set<string>;
  gracePeriod: number | undefined;
}

function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArray(ports).forEach((raw, i) => {
    const p = objOrEmpty(raw);
    const at = `${path}[${i}]`;
    const name = asString(p.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) errs.push(...msgs.map((m) => fieldErr.invalid(`${at}.name`, name, m)));
      else if (names.has(name)) errs.push(fieldErr.duplicate(`${at}.name`, name));
      else names.add(name);
    }
    const containerPort = asNumber(p.containerPort);
    if (containerPort === 0) errs.push(fieldErr.required(`${at}.containerPort`));
    else errs.push(...isValidPortNum(containerPort).map((m) => fieldErr.invalid(`${at}.containerPort`, containerPort, m)));
    const hostPort = asNumber(p.hostPort);
    if (hostPort !== 0) errs.push(...isValidPortNum(hostPort).map((m) => fieldErr.invalid(`${at}.hostPort`, hostPort, m)));
    const protocol = asString(p.protocol);
    if (!protocol) errs.push(fieldErr.required(`${at}.protocol`));
    else if (!supportedProtocols.includes(protocol)) errs.push(fieldErr.notSupported(`${at}.protocol`, protocol, supportedProtocols));
  });
  return errs;
}

/** Env names follow the relaxed rule (RelaxedEnvironmentVariableValidation is on by default in 1.32). */
function envNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length === 0) errs.push('environment variable name must be non-empty');
  if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) > 0x7e || c === '=')) {
    errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
  }
  return errs;
}

const downwardFieldPaths = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];

function validateFieldRef(ref: Obj, path: string): FieldError[] {
  if (!asString(ref.apiVersion)) return [fieldErr.required(`${path}.apiVersion`)];
  const fieldPath = asString(ref.fieldPath);
  if (!fieldPath) return [fieldErr.required(`${path}.fieldPath`)];
  const sub = /^(metadata\.(labels|annotations))\['(.*)'\]$/.exec(fieldPath);
  if (sub) {
    const key = sub[2] === 'annotations' ? sub[3].toLowerCase() : sub[3];
    return isQualifiedName(key).map((m) => fieldErr.invalid(path, key, m));
  }
  if (!downwardFieldPaths.includes(fieldPath)) return [fieldErr.notSupported(`${path}.fieldPath`, fieldPath, downwardFieldPaths)];
  return [];
}

function validateKeySelector(ref: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = asString(ref.name);
  errs.push(...nameIsDNSSubdomain(name, false).map((m) => fieldErr.invalid(`${path}.name`, name, m)));
  const key = asString(ref.key);
  if (!key) errs.push(fieldErr.required(`${path}.key`));
  else errs.push(...isConfigMapKey(key).map((m) => fieldErr.invalid(`${path}.key`, key, m)));
  return errs;
}

function validateEnvValueFrom(env: Obj, path: string): FieldError[] {
  const from = asObj(env.valueFrom);
  if (!from) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  if (asObj(from.fieldRef)) {
    sources++;
    errs.push(...validateFieldRef(objOrEmpty(from.fieldRef), `${path}.fieldRef`));
  }
  if (asObj(from.resourceFieldRef)) {
    sources++;
    if (!asString(objOrEmpty(from.resourceFieldRef).resource)) errs.push(fieldErr.required(`${path}.resourceFieldRef.resource`));
  }
  if (asObj(from.configMapKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(objOrEmpty(from.configMapKeyRef), `${path}.configMapKeyRef`));
  }
  if (asObj(from.secretKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(objOrEmpty(from.secretKeyRef), `${path}.secretKeyRef`));
  }
  if (sources === 0) errs.push(fieldErr.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (asString(env.value)) errs.push(fieldErr.invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(fieldErr.invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

function validateEnv(env: unknown, path: string): FieldError[] {
  return asArray(env).flatMap((raw, i) => {
    const e = objOrEmpty(raw);
    const at = `${path}[${i}]`;
    const name = asString(e.name);
    const errs = name ? envNameErrors(name).map((m) => fieldErr.invalid(`${at}.name`, name, m)) : [fieldErr.required(`${at}.name`)];
    return [...errs, ...validateEnvValueFrom(e, `${at}.valueFrom`)];
  });
}

function validateVolumeMounts(mounts: unknown, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  asArray(mounts).forEach((raw, i) => {
    const m = objOrEmpty(raw);
    const at = `${path}[${i}]`;
    const name = asString(m.name);
    const mountPath = asString(m.mountPath);
    if (!name) errs.push(fieldErr.required(`${at}.name`));
    if (!ctx.volumes.has(name)) errs.push(fieldErr.notFound(`${at}.name`, name));
    if (!mountPath) errs.push(fieldErr.required(`${at}.mountPath`));
    if (seen.has(mountPath)) errs.push(fieldErr.invalid(`${at}.mountPath`, mountPath, 'must be unique'));
    seen.add(mountPath);
  });
  return errs;
}

function validatePullPolicy(policy: string, path: string): FieldError[] {
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return [];
  if (!policy) return [fieldErr.required(path)];
  return [fieldErr.notSupported(path, policy, ['Always', 'IfNotPresent', 'Never'])];
}

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
/** Resource names without a domain that Kubernetes knows (quota and limit-range ones included). */
const standardResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);

const isHugePages = (name: string) => name.startsWith('hugepages-');
const isNative = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');
/** Extended (non-native) resources and hugepages cannot be overcommitted: request must equal limit. */
const overcommitAllowed = (name: string) => isNative(name) && !isHugePages(name);

function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => fieldErr.invalid(path, name, m));
  if (errs.length) return errs;
  if (!name.includes('/')) {
    if (!standardResources.has(name) && !isHugePages(name)) errs.push(fieldErr.invalid(path, name, 'must be a standard resource type or fully qualified'));
    if (!standardContainerResources.has(name) && !isHugePages(name)) errs.push(fieldErr.invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNative(name) && isQualifiedName(`requests.${name}`).length > 0) {
    errs.push(fieldErr.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function validateQuantity(value: unknown, path: string): FieldError[] {
  const q = parseQuantity(value);
  if (!q.ok) return [fieldErr.invalid(path, quantityText(value), q.error)];
  return q.value < 0 ? [fieldErr.invalid(path, quantityText(value), 'must be greater than or equal to 0')] : [];
}

export function validateResources(resourcesValue: unknown, path: string): FieldError[] {
  const res = objOrEmpty(resourcesValue);
  const limits = objOrEmpty(res.limits);
  const requests = objOrEmpty(res.requests);
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(limits)) {
    errs.push(...validateContainerResourceName(name, `${path}.limits[${name}]`));
    errs.push(...validateQuantity(value, `${path}.limits[${name}]`));
  }
  for (const [name, value] of Object.entries(requests)) {
    const at = `${path}.requests[${name}]`;
    errs.push(...validateContainerResourceName(name, at));
    errs.push(...validateQuantity(value, at));
    const req = parseQuantity(value);
    if (name in limits) {
      const lim = parseQuantity(limits[name]);
      if (!req.ok || !lim.ok) continue;
      const limitText = quantityText(limits[name]);
      if (req.value !== lim.value && !overcommitAllowed(name)) {
        errs.push(fieldErr.invalid(`${path}.requests`, quantityText(value), `must be equal to ${name} limit of ${limitText}`));
      } else if (req.value > lim.value) {
        errs.push(fieldErr.invalid(`${path}.requests`, quantityText(value), `must be less than or equal to ${name} limit of ${limitText}`));
      }
    } else if (!overcommitAllowed(name)) {
      errs.push(fieldErr.required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

function validateHandler(handlerValue: Obj, gracePeriod: number | undefined, path: string, allowSleep: boolean): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  const one = (key: string, check: (h: Obj, p: string) => FieldError[]) => {
    const h = asObj(handlerValue[key]);
    if (!h) return;
    if (count > 0) errs.push(fieldErr.forbidden(`${path}.${key}`, 'may not specify more than 1 handler type'));
    else {
      count++;
      errs.push(...check(h, `${path}.${key}`));
    }
  };
  one('exec', (h, p) => (asArray(h.command).length === 0 ? [fieldErr.required(`${p}.command`)] : []));
  one('httpGet', (h, p) => {
    const e: FieldError[] = [];
    if (!asString(h.path)) e.push(fieldErr.required(`${p}.path`));
    e.push(...validatePortNumOrName(h.port, `${p}.port`));
    const scheme = asString(h.scheme);
    if (scheme !== 'HTTP' && scheme !== 'HTTPS') e.push(fieldErr.notSupported(`${p}.scheme`, scheme, ['HTTP', 'HTTPS']));
    for (const hdr of asArray(h.httpHeaders)) {
      const n = asString(objOrEmpty(hdr).name);
      e.push(...isHTTPHeaderName(n).map((m) => fieldErr.invalid(`${p}.httpHeaders`, n, m)));
    }
    return e;
  });
  one('tcpSocket', (h, p) => validatePortNumOrName(h.port, `${p}.port`));
  one('grpc', (h, p) => validatePortNumOrName(asNumber(h.port), `${p}.port`));
  if (allowSleep) {
    one('sleep', (h, p) => {
      const s = asNumber(h.seconds);
      if (gracePeriod === undefined || (s > 0 && s <= gracePeriod)) return [];
      return [
        fieldErr.invalid(
          p,
          s,
          `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`,
        ),
      ];
    });
  }
  if (count === 0) errs.push(fieldErr.required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(probeValue: unknown, gracePeriod: number | undefined, path: string, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  const probe = asObj(probeValue);
  if (!probe) return [];
  const errs = validateHandler(probe, gracePeriod, path, false);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...validateNonnegative(asNumber(probe[f]), `${path}.${f}`));
  }
  if (isSet(probe.terminationGracePeriodSeconds) && asNumber(probe.terminationGracePeriodSeconds) <= 0) {
    errs.push(fieldErr.invalid(`${path}.terminationGracePeriodSeconds`, asNumber(probe.terminationGracePeriodSeconds), 'must be greater than 0'));
  }
  if (kind !== 'readiness' && asNumber(probe.successThreshold) !== 1) {
    errs.push(fieldErr.invalid(`${path}.successThreshold`, asNumber(probe.successThreshold), 'must be 1'));
  }
  if (kind === 'readiness' && isSet(probe.terminationGracePeriodSeconds)) {
    errs.push(fieldErr.invalid(`${path}.terminationGracePeriodSeconds`, asNumber(probe.terminationGracePeriodSeconds), 'must not be set for readinessProbes'));
  }
  return errs;
}

/** Probes and lifecycle hooks: allowed on regular containers and on restartable init containers. */
export function validateProbesAndLifecycle(c: Obj, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const lifecycle = asObj(c.lifecycle);
  if (lifecycle) {
    for (const hook of ['postStart', 'preStop']) {
      const h = asObj(lifecycle[hook]);
      if (h) errs.push(...validateHandler(h, gracePeriod, `${path}.lifecycle.${hook}`, true));
    }
  }
  errs.push(...validateProbe(c.livenessProbe, gracePeriod, `${path}.livenessProbe`, 'liveness'));
  errs.push(...validateProbe(c.readinessProbe, gracePeriod, `${path}.readinessProbe`, 'readiness'));
  errs.push(...validateProbe(c.startupProbe, gracePeriod, `${path}.startupProbe`, 'startup'));
  return errs;
}

/** Name, image, ports, env, mounts, pull policy, resources: the same for every kind of container. */
export function validateContainerCommon(c: Obj, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = asString(c.name);
  if (!name) errs.push(fieldErr.required(`${path}.name`));
  else errs.push(...validateDNS1123Label(name, `${path}.name`));
  if (!asString(c.image)) errs.push(fieldErr.required(`${path}.image`));
  const tmp = asString(c.terminationMessagePolicy);
  if (!tmp) errs.push(fieldErr.required(`${path}.terminationMessagePolicy`));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.push(fieldErr.notSupported(`${path}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateVolumeMounts(c.volumeMounts, ctx, `${path}.volumeMounts`));
  errs.push(...validatePullPolicy(asString(c.imagePullPolicy), `${path}.imagePullPolicy`));
  errs.push(...validateResources(c.resources, `${path}.resources`));
  errs.push(...validateContainerSecurityContext(c.securityContext, `${path}.securityContext`));
  return errs;
}

/** Two containers may not ask for the same host port (protocol/hostIP/port). */
export function checkHostPortConflicts(containers: Obj[], path: string, offset = 0): FieldError[] {
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    asArray(c.ports).forEach((raw, pi) => {
      const p = objOrEmpty(raw);
      const hostPort = asNumber(p.hostPort);
      if (hostPort === 0) return;
      const key = `${asString(p.protocol)}/${asString(p.hostIP)}/${hostPort}`;
      if (seen.has(key)) errs.push(fieldErr.duplicate(`${path}[${ci + offset}].ports[${pi}].hostPort`, key));
      seen.add(key);
    });
  });
  return errs;
}
