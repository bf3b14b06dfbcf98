/** Small helpers of the agent's whole-node tests. */
import { findResource } from '../../api/resources.js';
import type { ApiClient, ResourceType } from '../../client/index.js';
import type { Pod } from '../pod/types.js';
import { waitFor as pollUntil } from '../../testing/wait-for.js';

export const podsRI = findResource('', 'v1', 'pods')! as ResourceType;

/** testing/wait-for.ts with the agent tests' defaults: whole-node steps take seconds, not milliseconds. */
export function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  return pollUntil(what, fn, timeoutMs, everyMs);
}

export function podManifest(name: string, nodeName: string, spec: Partial<Pod['spec']> & { containers: Pod['spec']['containers'] }, labels: Record<string, string> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { nodeName, ...spec } } as Pod;
}

export async function getPod(client: ApiClient, name: string): Promise<Pod | undefined> {
  try {
    return await client.get<Pod>(podsRI, 'default', name);
  } catch {
    return undefined;
  }
}

export function isReady(p: Pod | undefined): boolean {
  return p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export async function waitReady(client: ApiClient, name: string, timeoutMs = 30_000): Promise<Pod> {
  return waitFor(`pod ${name} Ready`, async () => {
    const p = await getPod(client, name);
    return isReady(p) ? p : undefined;
  }, timeoutMs);
}
