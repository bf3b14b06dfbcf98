/** `svcnet dns`: cluster DNS alone (CoreDNS's kubernetes + forward + cache as kubeadm sets them up). */
import { tuneGcForDns } from '../dns/gc-tuning.js';
import { startDnsServer } from '../dns/index.js';
import { CliError, flagHelp, parseFlags, untilSignal, type FlagSpec } from './flags.js';

export const dnsFlags = {
  kubeconfig: { type: 'string', default: '', help: 'kubeconfig of the API server to watch (default: $KUBECONFIG, ~/.kube/config, in-cluster)' },
  listen: { type: 'string', default: '0.0.0.0:53', help: 'HOST:PORT to serve DNS on, UDP and TCP' },
  upstream: { type: 'string', multiple: true, help: 'HOST:PORT of an upstream resolver, repeatable (default: the nameservers in /etc/resolv.conf)' },
  zone: { type: 'string', default: 'cluster.local', help: 'the cluster domain' },
  ttl: { type: 'string', default: '30', help: 'TTL of service, endpoint and pod records, 0-3600 (kubeadm: 30; CoreDNS plugin default: 5)' },
  pods: { type: 'string', default: 'insecure', help: 'pod records <a-b-c-d>.<ns>.pod.<zone>: insecure or disabled' },
  'health-listen': { type: 'string', default: '0.0.0.0:8080', help: 'HOST:PORT of /health ("" = off)' },
  'ready-listen': { type: 'string', default: '0.0.0.0:8181', help: 'HOST:PORT of /ready ("" = off)' },
  'metrics-listen': { type: 'string', default: '0.0.0.0:9153', help: 'HOST:PORT of /metrics ("" = off)' },
} satisfies FlagSpec;

export async function runDns(argv: string[]): Promise<number> {
  const { values, help } = parseFlags(argv, dnsFlags, 'dns');
  if (help) {
    process.stdout.write(flagHelp('dns', 'Serves cluster DNS for Services and Pods (Kubernetes DNS specification 1.1.0) and forwards other names.', dnsFlags));
    return 0;
  }
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600) throw new CliError(`dns: --ttl must be an integer 0-3600, got ${JSON.stringify(values.ttl)}`);
  const pods = values.pods as string;
  if (pods !== 'insecure' && pods !== 'disabled') throw new CliError(`dns: --pods must be insecure or disabled, got ${JSON.stringify(pods)}`);
  const upstreams = values.upstream as string[] | undefined;
  // Before the informers fill the heap: the young-generation cap holds from its size then.
  tuneGcForDns();
  const shutdown = untilSignal(); // before starting: see untilSignal
  const dns = await startDnsServer({
    kubeconfig: (values.kubeconfig as string) || undefined,
    listen: values.listen as string,
    upstreams: upstreams?.length ? upstreams : undefined,
    zone: values.zone as string,
    ttl,
    pods,
    healthListen: values['health-listen'] as string,
    readyListen: values['ready-listen'] as string,
    metricsListen: values['metrics-listen'] as string,
  });
  process.stdout.write(`svcnet dns serving on ${values.listen as string} (udp+tcp port ${dns.udpPort})\n`);
  const sig = await shutdown;
  process.stderr.write(`svcnet dns: ${sig}, shutting down\n`);
  await dns.close();
  return 0;
}
