/**
 * The internal types cluster DNS answers from: only the fields DNS reads, converted at the edge
 * (from-api.ts) from Services and EndpointSlices, as CoreDNS's `object.Service`/`object.Endpoints`.
 */

export type ServiceKind = 'ClusterIP' | 'Headless' | 'ExternalName';
export type PortProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface DnsPort {
  /** '' for an unnamed port: it never gets an SRV record of its own name. */
  readonly name: string;
  readonly protocol: PortProtocol;
  /** -1 is the sentinel for "the slice has no ports" (A answered, SRV skipped), as CoreDNS does. */
  readonly port: number;
}

export interface DnsService {
  readonly namespace: string;
  readonly name: string;
  readonly kind: ServiceKind;
  /** Canonical IP strings, v4 and/or v6 (empty for headless and ExternalName). */
  readonly clusterIPs: readonly string[];
  readonly ports: readonly DnsPort[];
  /** Set for ExternalName only, without a trailing dot. */
  readonly externalName?: string;
  /** spec.publishNotReadyAddresses: every endpoint counts as ready. */
  readonly publishNotReadyAddresses: boolean;
}

export interface DnsEndpoint {
  /** Canonical IP string. */
  readonly address: string;
  /** The DNS label: `hostname` when set, else the dashed IP (CoreDNS `endpointHostname`). Lower case. */
  readonly hostname: string;
  readonly ready: boolean;
}

export interface DnsSlice {
  readonly namespace: string;
  /** The slice's own name (one service may have many slices). */
  readonly name: string;
  /** From the `kubernetes.io/service-name` label. */
  readonly serviceName: string;
  readonly endpoints: readonly DnsEndpoint[];
  readonly ports: readonly DnsPort[];
}

export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
