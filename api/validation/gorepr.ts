/**
 * A few Go values printed the way `%#v` prints them. Upstream puts these structs into some error
 * messages verbatim (duplicate Service ports, immutable selectors), so kubectl users see them.
 */
import { GoRepr } from '../errors.js';
import { asArray, asNumber, asObj, asString, isSet, type Obj } from './util.js';

const q = (s: string) => JSON.stringify(s);

export function goStringSliceText(v: unknown): string {
  if (!Array.isArray(v)) return '[]string(nil)';
  return `[]string{${v.map((x) => q(asString(x))).join(', ')}}`;
}

export function goStringSlice(v: unknown): GoRepr {
  return new GoRepr(goStringSliceText(v));
}

export function goStringMapText(v: unknown): string {
  const m = asObj(v);
  if (!m) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${q(k)}:${q(asString(m[k]))}`).join(', ')}}`;
}

/** intstr.IntOrString as stored: Type 0 is an int, 1 a string. */
export function goIntOrStringText(v: unknown): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${q(v)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${asNumber(v)}, StrVal:""}`;
}

export function goIntOrString(v: unknown): GoRepr {
  return new GoRepr(goIntOrStringText(v));
}

/** The key upstream uses to find duplicate Service ports: only Protocol and Port are set. */
export function goServicePortKey(protocol: string, port: number): GoRepr {
  return new GoRepr(
    `core.ServicePort{Name:"", Protocol:${q(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

function goRequirementText(r: unknown): string {
  const o = asObj(r) ?? {};
  return `v1.LabelSelectorRequirement{Key:${q(asString(o.key))}, Operator:${q(asString(o.operator))}, Values:${goStringSliceText(o.values)}}`;
}

export function goLabelSelector(sel: unknown): GoRepr {
  const o = asObj(sel) ?? {};
  const exprs = Array.isArray(o.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${asArray(o.matchExpressions).map(goRequirementText).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoRepr(`v1.LabelSelector{MatchLabels:${goStringMapText(o.matchLabels)}, MatchExpressions:${exprs}}`);
}

function goBoolPtrText(v: unknown): string {
  return isSet(v) ? `(*bool)(0xc000000000)` : '(*bool)(nil)';
}

export function goOwnerReferenceText(ref: Obj): string {
  return `v1.OwnerReference{APIVersion:${q(asString(ref.apiVersion))}, Kind:${q(asString(ref.kind))}, Name:${q(asString(ref.name))}, UID:${q(asString(ref.uid))}, Controller:${goBoolPtrText(ref.controller)}, BlockOwnerDeletion:${goBoolPtrText(ref.blockOwnerDeletion)}}`;
}

export function goOwnerReferences(refs: Obj[]): GoRepr {
  return new GoRepr(`[]v1.OwnerReference{${refs.map(goOwnerReferenceText).join(', ')}}`);
}

export function goDeploymentStrategy(strategy: Obj): GoRepr {
  const ru = isSet(strategy.rollingUpdate) ? '(*apps.RollingUpdateDeployment)(0xc000000000)' : '(*apps.RollingUpdateDeployment)(nil)';
  return new GoRepr(`apps.DeploymentStrategy{Type:${q(asString(strategy.type))}, RollingUpdate:${ru}}`);
}
