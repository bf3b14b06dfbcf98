/** `svcnet ingress`: the Ingress controller alone (ingress-nginx's flag names where they exist). */
import { startIngress } from '../ingress/index.js';
import { CliError, flagHelp, parseFlags, untilSignal, type FlagSpec } from './flags.js';

export const ingressFlags = {
  kubeconfig: { type: 'string', default: '', help: 'kubeconfig of the API server (default: $KUBECONFIG, ~/.kube/config, in-cluster)' },
  'http-listen': { type: 'string', default: '0.0.0.0:80', help: 'HOST:PORT for plain HTTP (empty disables)' },
  'https-listen': { type: 'string', default: '0.0.0.0:443', help: 'HOST:PORT for HTTPS (empty disables)' },
  'status-listen': { type: 'string', default: '127.0.0.1:10254', help: 'HOST:PORT for /healthz and /metrics (empty disables)' },
  'ingress-class': { type: 'string', default: '', help: 'serve only this class (IngressClass name or legacy annotation value); default: svcnet, nginx and Ingresses without a class' },
  'publish-status-address': { type: 'string', multiple: true, default: '', help: 'address written into Ingress status.loadBalancer (repeatable; default: the node\'s first IPv4 address)' },
  workers: { type: 'string', default: '1', help: 'data-plane processes sharing the listening sockets (like nginx worker_processes)' },
  'disable-access-log': { type: 'boolean', default: false, help: 'do not write one access log line per request to stdout' },
} satisfies FlagSpec;

export async function runIngress(argv: string[]): Promise<number> {
  const { values, help } = parseFlags(argv, ingressFlags, 'ingress');
  if (help) {
    process.stdout.write(flagHelp('ingress', 'Runs the Ingress controller: routes HTTP and HTTPS by host and path to Service endpoints.', ingressFlags));
    return 0;
  }
  const publish = ((values['publish-status-address'] as string[] | undefined) ?? []).filter(Boolean);
  for (const a of publish) if (!/^[A-Za-z0-9.:-]+$/.test(a)) throw new CliError(`ingress: --publish-status-address ${JSON.stringify(a)} is not an address or host name`);
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new CliError(`ingress: --workers must be an integer 1-64, got ${JSON.stringify(values.workers)}`);
  const shutdown = untilSignal(); // before starting: see untilSignal
  const ingress = await startIngress({
    workers,
    kubeconfig: (values.kubeconfig as string) || undefined,
    httpListen: values['http-listen'] as string,
    httpsListen: values['https-listen'] as string,
    statusListen: values['status-listen'] as string,
    ingressClass: (values['ingress-class'] as string) || undefined,
    publishAddresses: publish.length ? publish : undefined,
    accessLog: !(values['disable-access-log'] as boolean),
  });
  process.stdout.write(`svcnet ingress serving: http ${ingress.httpPort || 'off'}, https ${ingress.httpsPort || 'off'}, status ${ingress.statusPort || 'off'}\n`);
  const sig = await shutdown;
  process.stderr.write(`svcnet ingress: ${sig}, shutting down\n`);
  await ingress.close();
  return 0;
}
