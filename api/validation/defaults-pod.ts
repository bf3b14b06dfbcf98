/** Defaults for PodSpec, containers, probes and volumes (core/v1 defaults.go, 1.32). */
import { asArray, asObj, asString, ensureObj, isSet, objOrEmpty, type Obj } from './util.js';

/** The tag of an image reference, or '' when none is given (a digest is not a tag). */
function imageTag(image: string): string {
  const noDigest = image.split('@')[0];
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > lastSlash ? noDigest.slice(colon + 1) : '';
}

function defaultProbe(probeValue: unknown): void {
  const probe = asObj(probeValue);
  if (!probe) return;
  if (!probe.timeoutSeconds) probe.timeoutSeconds = 1;
  if (!probe.periodSeconds) probe.periodSeconds = 10;
  if (!probe.successThreshold) probe.successThreshold = 1;
  if (!probe.failureThreshold) probe.failureThreshold = 3;
  defaultHTTPGet(probe.httpGet);
}

function defaultHTTPGet(value: unknown): void {
  const get = asObj(value);
  if (!get) return;
  if (!get.path) get.path = '/';
  if (!get.scheme) get.scheme = 'HTTP';
}

function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) {
    // A missing tag means "latest", which is always pulled; a pinned image need not be.
    const image = asString(c.image);
    const tag = imageTag(image);
    c.imagePullPolicy = tag === 'latest' || (image !== '' && tag === '' && !image.includes('@')) ? 'Always' : 'IfNotPresent';
  }
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  if (!isSet(c.resources)) c.resources = {};
  for (const p of asArray(c.ports)) {
    const port = asObj(p);
    if (port && !port.protocol) port.protocol = 'TCP';
  }
  for (const e of asArray(c.env)) {
    const fieldRef = asObj(asObj(asObj(e)?.valueFrom)?.fieldRef);
    if (fieldRef && !fieldRef.apiVersion) fieldRef.apiVersion = 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  const lifecycle = asObj(c.lifecycle);
  if (lifecycle) for (const hook of ['postStart', 'preStop']) defaultHTTPGet(asObj(lifecycle[hook])?.httpGet);
}

const volumeModeDefault = 420; // 0644

function defaultVolume(v: Obj): void {
  const sources = Object.keys(v).filter((k) => k !== 'name' && isSet(v[k]));
  if (sources.length === 0) v.emptyDir = {};
  for (const kind of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = asObj(v[kind]);
    if (src && !isSet(src.defaultMode)) src.defaultMode = volumeModeDefault;
  }
  const hostPath = asObj(v.hostPath);
  if (hostPath && !isSet(hostPath.type)) hostPath.type = '';
}

/** SetDefaults_PodSpec and everything nested in it; also used for pod templates. */
export function defaultPodSpec(spec: Obj): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (!isSet(spec.securityContext)) spec.securityContext = {};
  if (!isSet(spec.terminationGracePeriodSeconds)) spec.terminationGracePeriodSeconds = 30;
  if (!spec.schedulerName) spec.schedulerName = 'default-scheduler';
  // v1 conversion keeps the deprecated serviceAccount alias and serviceAccountName in step.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  else if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of asArray(spec[list])) {
      const container = asObj(c);
      if (container) defaultContainer(container);
    }
  }
  for (const v of asArray(spec.volumes)) {
    const vol = asObj(v);
    if (vol) defaultVolume(vol);
  }
}

/** Pod-only defaults (SetDefaults_Pod): requests from limits, service links, host-network ports. */
export function defaultPod(pod: Obj): void {
  const spec = ensureObj(pod, 'spec');
  defaultPodSpec(spec);
  for (const list of ['containers', 'initContainers']) {
    for (const c of asArray(spec[list])) {
      const res = asObj(asObj(c)?.resources);
      const limits = asObj(res?.limits);
      if (!res || !limits) continue;
      const requests = ensureObj(res, 'requests');
      for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
    }
  }
  if (!isSet(spec.enableServiceLinks)) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const list of ['containers', 'initContainers']) {
      for (const c of asArray(spec[list])) {
        for (const p of asArray(objOrEmpty(c).ports)) {
          const port = asObj(p);
          if (port && !port.hostPort) port.hostPort = port.containerPort;
        }
      }
    }
  }
}

/** Deployment and ReplicaSet templates get PodSpec defaults, not the pod-only ones. */
export function defaultTemplate(parentSpec: Obj): void {
  const template = asObj(parentSpec.template);
  if (template) defaultPodSpec(ensureObj(template, 'spec'));
}
