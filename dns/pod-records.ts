/**
 * `<dashed-ip>.<ns>.pod.<zone>` (CoreDNS `pods` option). `insecure` answers any IP-shaped label in
 * an existing namespace without looking for a pod (kubeadm's setting); `disabled` answers nothing.
 */
import { ipFromDashed } from './ip.js';
import { negative, positive, type Lookup, type Resolution } from './records.js';
import { Rcode, RRType } from './rr.js';

/** `rest` = labels left of the zone, lower case, ending in 'pod', at least two of them. */
export function podAnswer(lk: Lookup, rest: readonly string[]): Resolution {
  const n = rest.length;
  if (lk.cfg.pods === 'disabled') return negative(lk, Rcode.NXDOMAIN);
  if (!lk.index.namespaceExists(rest[n - 2]!)) return negative(lk, Rcode.NXDOMAIN);
  if (n === 2) return negative(lk, Rcode.NOERROR);
  // Labels left of the pod label are read as endpoint/port and ignored (a CoreDNS quirk); 3+ is too long.
  if (n > 5) return negative(lk, Rcode.NXDOMAIN);
  const ip = ipFromDashed(rest[n - 3]!);
  if (!ip) return negative(lk, Rcode.NXDOMAIN);
  const v6 = ip.includes(':');
  if (lk.type === RRType.A && !v6) return positive([{ name: lk.owner, ttl: lk.cfg.ttl, type: 'A', address: ip }]);
  if (lk.type === RRType.AAAA && v6) return positive([{ name: lk.owner, ttl: lk.cfg.ttl, type: 'AAAA', address: ip }]);
  return negative(lk, Rcode.NOERROR);
}
