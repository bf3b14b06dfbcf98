/**
 * Every step of ../shared/scenarios/walkthrough.md (§1.1 … §8.2) in order, and the commands that
 * remove what the steps create. The steps themselves live in steps/, one file per section.
 */
import { podSteps } from './steps/s1-pods.js';
import { serviceSteps } from './steps/s2-service.js';
import { dnsSteps } from './steps/s3-dns.js';
import { routingSteps } from './steps/s4-routing.js';
import { nodePortSteps } from './steps/s5-nodeport.js';
import { loadBalancerSteps } from './steps/s6-loadbalancer.js';
import { ingressSteps } from './steps/s7-ingress.js';
import { affinitySteps } from './steps/s8-affinity.js';
import type { Step } from './types.js';

export const walkthroughSteps: Step[] = [
  ...podSteps,
  ...serviceSteps,
  ...dnsSteps,
  ...routingSteps,
  ...nodePortSteps,
  ...loadBalancerSteps,
  ...ingressSteps,
  ...affinitySteps,
];

/** Deletes everything the steps create (and nothing else), without waiting for pods to stop. */
export const cleanupCommands: string[] = [
  'kubectl delete ingress web01 web01-tls test kubia fanout fanout-kubia ingress-nginx class-name other-class --ignore-not-found --wait=false',
  'kubectl delete secret wildcard-cluster-example --ignore-not-found --wait=false',
  'kubectl delete service nginx kubia kubia-nodeport kubia-nodeport-taken influxdb source-ip s1 s2 bar --ignore-not-found --wait=false',
  'kubectl delete deployment nginx influxdb source-ip s1 s2 bar kubia --ignore-not-found --wait=false',
  'kubectl delete pod pod --ignore-not-found --wait=false',
  'kubectl -n kube-system delete service metrics-server --ignore-not-found --wait=false',
];

/** `1.2` selects step 1.2 and `6.1` selects 6.1a, 6.1b, …; `3` selects all of §3. */
export function matchesId(stepId: string, wanted: string): boolean {
  return stepId === wanted || (stepId.startsWith(wanted) && /^[.a-z]/.test(stepId.slice(wanted.length)));
}
