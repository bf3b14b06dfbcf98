/**
 * Which Ingresses this controller serves (the ingress-nginx model, see reference §1.6):
 * `spec.ingressClassName` naming an IngressClass whose controller is ours, or naming one of our
 * class names; else the legacy `kubernetes.io/ingress.class` annotation equal to one of our class
 * names; else (no class at all) served when `withoutClass` is on. An unknown class is never
 * served (conformance: it must not even get a status address).
 */
import type { IngressClassInfo, IngressInfo } from './model.js';

export const svcnetController = 'svcnet.io/ingress';

export interface ClassPolicy {
  /** Class names taken by name (IngressClass object or legacy annotation value). */
  names: ReadonlySet<string>;
  /** IngressClass.spec.controller values we own. */
  controllers: ReadonlySet<string>;
  withoutClass: boolean;
}

/** Default: class `svcnet` (ours) and `nginx` for drop-in use, plus class-less Ingresses. */
export function classPolicy(ingressClass?: string): ClassPolicy {
  const names = ingressClass ? [ingressClass] : ['svcnet', 'nginx'];
  return { names: new Set(names), controllers: new Set([svcnetController]), withoutClass: true };
}

export function isServed(ing: IngressInfo, classes: ReadonlyMap<string, IngressClassInfo>, policy: ClassPolicy): boolean {
  if (ing.className !== undefined && ing.className !== '') {
    const cls = classes.get(ing.className);
    if (cls) return policy.controllers.has(cls.controller) || (policy.names.has(cls.name) && !isOtherController(cls, policy));
    return policy.names.has(ing.className);
  }
  if (ing.legacyClass !== undefined && ing.legacyClass !== '') {
    const cls = classes.get(ing.legacyClass);
    return policy.names.has(ing.legacyClass) || (cls !== undefined && policy.controllers.has(cls.controller));
  }
  return policy.withoutClass;
}

/**
 * A class named like ours but claimed by another controller (e.g. a real ingress-nginx next to
 * svcnet) stays with that controller — except `nginx` itself, whose whole point is drop-in use.
 */
function isOtherController(cls: IngressClassInfo, policy: ClassPolicy): boolean {
  if (cls.controller === '' || cls.controller === 'k8s.io/ingress-nginx') return false;
  return !policy.controllers.has(cls.controller);
}
