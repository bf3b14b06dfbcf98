/**
 * The pod's /etc/hosts and hostname as the kubelet writes them: the localhost lines, the pod's
 * own address with its hostname (and FQDN when `subdomain` is set), then hostAliases.
 * hostNetwork pods get the node's hostname and the node's file is left alone (kubelet does the same).
 */
import type { PodSpec } from './types.js';

/** spec.hostname or the pod name, cut to 63 characters without a trailing '-' or '.'. */
export function podHostname(podName: string, spec: PodSpec): string {
  const name = spec.hostname || podName;
  return name.length > 63 ? name.slice(0, 63).replace(/[-.]+$/, '') : name;
}

/** `<hostname>.<subdomain>.<ns>.svc.<domain>` when the pod names a subdomain. */
export function podFqdn(hostname: string, spec: PodSpec, namespace: string, clusterDomain: string): string | undefined {
  return spec.subdomain ? `${hostname}.${spec.subdomain}.${namespace}.svc.${clusterDomain}` : undefined;
}

export function renderHostsFile(opts: { podIP: string; hostname: string; fqdn?: string; aliases?: PodSpec['hostAliases'] }): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    opts.fqdn ? `${opts.podIP}\t${opts.fqdn}\t${opts.hostname}` : `${opts.podIP}\t${opts.hostname}`,
  ];
  if (opts.aliases?.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of opts.aliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join('\t')}`);
  }
  return lines.join('\n') + '\n';
}
