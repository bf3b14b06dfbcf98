/**
 * Where an API server is and how to authenticate to it, independent of where it came from
 * (a kubeconfig, in-cluster service account files, or a bare URL in tests).
 */
export interface TlsSettings {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** false only for `insecure-skip-tls-verify: true`. */
  rejectUnauthorized?: boolean;
  /** `tls-server-name`: the name to check the serving certificate against. */
  servername?: string;
}

export interface Connection {
  /** Base URL; a path prefix (API servers behind a proxy) is kept in front of every request path. */
  server: URL;
  tls: TlsSettings;
  /**
   * Headers that authenticate one request (Authorization, Impersonate-User). Called per request
   * because exec plugins and rotated service account tokens expire.
   */
  authHeaders(): Promise<Record<string, string>>;
  /** The namespace of the kubeconfig context, for commands that default to it. */
  namespace?: string;
}

/** A connection without credentials, e.g. `http://127.0.0.1:8080` or an in-process test server. */
export function connectionForUrl(server: string | URL, tls: TlsSettings = {}): Connection {
  return { server: new URL(server), tls, authHeaders: async () => ({}) };
}

/** A connection authenticated by a bearer token, checked against a CA: what the admin kubeconfig holds. */
export function connectionWithToken(server: string | URL, caPem: string, token: string): Connection {
  const headers = { Authorization: `Bearer ${token}` };
  return { server: new URL(server), tls: { ca: Buffer.from(caPem) }, authHeaders: async () => headers };
}
