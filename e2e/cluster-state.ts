/**
 * A snapshot of the addresses a restart must keep: every Service's cluster IP and node ports,
 * and every pod's IP, as kubectl sees them.
 */
import type { WalkthroughRunner } from '../demo/runner.js';

export interface ClusterState {
  /** ns/name → "clusterIP nodePort…" */
  services: Map<string, string>;
  /** ns/name → pod IP ('' while it has none) */
  pods: Map<string, string>;
  /** UIDs of the pods, for finding their namespaces on the node. */
  podUids: string[];
}

function lines(text: string): [string, string][] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [key, ...rest] = l.trim().split(' ');
      return [key, rest.join(' ')];
    });
}

export async function snapshot(runner: WalkthroughRunner): Promise<ClusterState> {
  const svc = await runner.exec(`kubectl get services -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name} {.spec.clusterIP} {.spec.ports[*].nodePort}{"\\n"}{end}'`);
  const pods = await runner.exec(`kubectl get pods -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name} {.status.podIP} {.metadata.uid}{"\\n"}{end}'`);
  if (svc.code !== 0 || pods.code !== 0) throw new Error(`kubectl failed: ${svc.stderr}${pods.stderr}`);
  const podLines = lines(pods.stdout);
  return {
    services: new Map(lines(svc.stdout).map(([k, v]) => [k, v.trim()])),
    pods: new Map(podLines.map(([k, v]) => [k, v.split(' ').length > 1 ? v.split(' ')[0] : ''])),
    podUids: podLines.map(([, v]) => v.split(' ').at(-1)!).filter(Boolean),
  };
}

/** Differences between two snapshots' services, one line each. */
export function serviceDifferences(before: ClusterState, after: ClusterState): string[] {
  const out: string[] = [];
  for (const [k, v] of before.services) if (after.services.get(k) !== v) out.push(`${k}: was "${v}", now "${after.services.get(k) ?? '(gone)'}"`);
  for (const k of after.services.keys()) if (!before.services.has(k)) out.push(`${k}: new after the restart`);
  return out;
}

/** Pods whose IP changed (or that vanished) across the restart. */
export function podDifferences(before: ClusterState, after: ClusterState): string[] {
  const out: string[] = [];
  for (const [k, ip] of before.pods) {
    if (!after.pods.has(k)) out.push(`${k}: gone after the restart`);
    else if (ip && after.pods.get(k) !== ip) out.push(`${k}: IP was ${ip}, now ${after.pods.get(k) || '(none)'}`);
  }
  return out;
}
