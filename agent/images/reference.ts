/** Image references: `docker.io/library/nginx:1.27` → repository `nginx`, full name, digest-like ID. */
import { createHash } from 'node:crypto';

export interface ImageRef {
  /** As written in the pod. */
  raw: string;
  /** Without registry, `library/`, tag and digest: `nginx`, `luksa/kubia`, `echoserver`. */
  repository: string;
  registry: string;
  tag: string;
}

export function parseImageRef(raw: string): ImageRef {
  let rest = raw.trim().split('@')[0];
  let tag = 'latest';
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) registry = parts.shift()!;
  if (registry === 'docker.io' && parts[0] === 'library') parts.shift();
  return { raw, repository: parts.join('/'), registry, tag };
}

/** `docker.io/library/nginx:latest`, as containerd reports `image` in container statuses. */
export function fullImageName(ref: ImageRef): string {
  const repo = ref.registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  return `${ref.registry}/${repo}:${ref.tag}`;
}

/** A stable made-up digest: there is no registry, but kubectl describe shows an `Image ID`. */
export function imageId(ref: ImageRef): string {
  const digest = createHash('sha256').update(fullImageName(ref)).digest('hex');
  return `${fullImageName(ref).replace(/:[^:/]+$/, '')}@sha256:${digest}`;
}

/** Shell-style glob (`*`, `?`) against the repository or the whole reference. */
export function imageMatches(pattern: string, ref: ImageRef): boolean {
  const re = new RegExp('^' + pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('') + '$');
  return re.test(ref.repository) || re.test(ref.raw) || re.test(`${ref.repository}:${ref.tag}`);
}
