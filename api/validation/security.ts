/** Pod and container securityContext checks (core/validation, 1.32): ids, seccomp, escalation. */
import { fieldErr, GoRepr, type FieldError } from '../errors.js';
import { inclusiveRangeError } from './names.js';
import { asArray, asNumber, asObj, asString, isSet, type Obj } from './util.js';

const maxID = 0xffffffff;

function validateID(value: unknown, path: string): FieldError[] {
  if (!isSet(value)) return [];
  const n = asNumber(value);
  return n >= 0 && n <= maxID ? [] : [fieldErr.invalid(path, n, inclusiveRangeError(0, maxID))];
}

function validateSeccompProfile(value: unknown, path: string): FieldError[] {
  const profile = asObj(value);
  if (!profile) return [];
  const type = asString(profile.type);
  const types = ['Localhost', 'RuntimeDefault', 'Unconfined'];
  if (!type) return [fieldErr.required(`${path}.type`, 'type is required when seccompProfile is set')];
  if (!types.includes(type)) return [fieldErr.notSupported(`${path}.type`, type, types)];
  return [];
}

export function validatePodSecurityContext(value: unknown, path: string): FieldError[] {
  const sc = asObj(value);
  if (!sc) return [];
  const errs = [...validateID(sc.fsGroup, `${path}.fsGroup`), ...validateID(sc.runAsUser, `${path}.runAsUser`), ...validateID(sc.runAsGroup, `${path}.runAsGroup`)];
  asArray(sc.supplementalGroups).forEach((g, i) => errs.push(...validateID(g, `${path}.supplementalGroups[${i}]`)));
  if (isSet(sc.fsGroupChangePolicy) && !['Always', 'OnRootMismatch'].includes(asString(sc.fsGroupChangePolicy))) {
    errs.push(fieldErr.notSupported(`${path}.fsGroupChangePolicy`, asString(sc.fsGroupChangePolicy), ['Always', 'OnRootMismatch']));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  return errs;
}

/** shareProcessNamespace lives on the PodSpec but upstream reports it with the pod securityContext. */
export function validateShareProcessNamespace(spec: Obj, path: string): FieldError[] {
  return spec.shareProcessNamespace === true && spec.hostPID === true
    ? [fieldErr.invalid(`${path}.shareProcessNamespace`, true, 'ShareProcessNamespace and HostPID cannot both be enabled')]
    : [];
}

function securityContextRepr(sc: Obj): GoRepr {
  const ptr = (v: unknown, t: string) => (isSet(v) ? `(*${t})(0xc000000000)` : `(*${t})(nil)`);
  return new GoRepr(
    `core.SecurityContext{Capabilities:${ptr(sc.capabilities, 'core.Capabilities')}, Privileged:${ptr(sc.privileged, 'bool')}, SELinuxOptions:${ptr(sc.seLinuxOptions, 'core.SELinuxOptions')}, WindowsOptions:${ptr(sc.windowsOptions, 'core.WindowsSecurityContextOptions')}, RunAsUser:${ptr(sc.runAsUser, 'int64')}, RunAsGroup:${ptr(sc.runAsGroup, 'int64')}, RunAsNonRoot:${ptr(sc.runAsNonRoot, 'bool')}, ReadOnlyRootFilesystem:${ptr(sc.readOnlyRootFilesystem, 'bool')}, AllowPrivilegeEscalation:${ptr(sc.allowPrivilegeEscalation, 'bool')}, ProcMount:${ptr(sc.procMount, 'core.ProcMountType')}, SeccompProfile:${ptr(sc.seccompProfile, 'core.SeccompProfile')}, AppArmorProfile:${ptr(sc.appArmorProfile, 'core.AppArmorProfile')}}`,
  );
}

export function validateContainerSecurityContext(value: unknown, path: string): FieldError[] {
  const sc = asObj(value);
  if (!sc) return [];
  const errs = [...validateID(sc.runAsUser, `${path}.runAsUser`), ...validateID(sc.runAsGroup, `${path}.runAsGroup`)];
  if (isSet(sc.procMount) && !['Default', 'Unmasked'].includes(asString(sc.procMount))) {
    errs.push(fieldErr.notSupported(`${path}.procMount`, asString(sc.procMount), ['Default', 'Unmasked']));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(fieldErr.invalid(path, securityContextRepr(sc), 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    if (asArray(asObj(sc.capabilities)?.add).includes('CAP_SYS_ADMIN')) {
      errs.push(fieldErr.invalid(path, securityContextRepr(sc), 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  return errs;
}
