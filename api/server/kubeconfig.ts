/** The admin kubeconfig the server writes for users and for svcnet's own components. */
import { writeFileSync, chmodSync } from 'node:fs';
import { stringify } from 'yaml';

export function renderAdminKubeconfig(opts: { server: string; caCert: string; token: string; cluster?: string }): string {
  const cluster = opts.cluster ?? 'svcnet';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: opts.server, 'certificate-authority-data': Buffer.from(opts.caCert).toString('base64') } }],
    users: [{ name: 'admin', user: { token: opts.token } }],
    contexts: [{ name: cluster, context: { cluster, user: 'admin', namespace: 'default' } }],
    'current-context': cluster,
    preferences: {},
  });
}

export function writeAdminKubeconfig(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}
