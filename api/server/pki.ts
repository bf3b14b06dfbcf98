/**
 * The API server's PKI, made on first start: a CA, a serving certificate signed by it, and the
 * admin bearer token. Keys are RSA 2048 made by Node's native crypto (node-forge's pure-JS key
 * generation takes seconds); node-forge only assembles and signs the X.509 certificates.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export interface Pki {
  caCert: string;
  serverCert: string;
  serverKey: string;
  adminToken: string;
}

export interface PkiOptions {
  dir: string; // <data-dir>/pki
  ipSANs: string[];
  dnsSANs: string[];
}

function newKeyPair(): { forgeKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'pkcs1', format: 'pem' } });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  const publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  return { forgeKey, publicKey, pem: privateKey };
}

function serial(): string {
  // Positive, 16 bytes: the top bit cleared so the DER integer is not read as negative.
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

function makeCertificate(opts: {
  subjectCN: string;
  publicKey: forge.pki.rsa.PublicKey;
  signer: forge.pki.rsa.PrivateKey;
  issuer?: forge.pki.Certificate;
  isCA: boolean;
  years: number;
  ipSANs?: string[];
  dnsSANs?: string[];
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = opts.publicKey;
  cert.serialNumber = serial();
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + opts.years * 365 * 24 * 60 * 60 * 1000);
  cert.setSubject([{ name: 'commonName', value: opts.subjectCN }]);
  cert.setIssuer(opts.issuer ? opts.issuer.subject.attributes : [{ name: 'commonName', value: opts.subjectCN }]);
  const ext: object[] = [{ name: 'basicConstraints', cA: opts.isCA, critical: true }];
  if (opts.isCA) {
    ext.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true });
    ext.push({ name: 'subjectKeyIdentifier' });
  } else {
    ext.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
    ext.push({ name: 'extKeyUsage', serverAuth: true });
    const alt = [...(opts.dnsSANs ?? []).map((value) => ({ type: 2, value })), ...(opts.ipSANs ?? []).map((ip) => ({ type: 7, ip }))];
    ext.push({ name: 'subjectAltName', altNames: alt });
  }
  cert.setExtensions(ext);
  cert.sign(opts.signer, forge.md.sha256.create());
  return cert;
}

function writeSecret(path: string, data: string): void {
  writeFileSync(path, data, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The SANs a serving certificate already covers. */
function certSANs(pem: string): { ips: string[]; dns: string[] } {
  const cert = forge.pki.certificateFromPem(pem);
  const ext = cert.getExtension('subjectAltName') as { altNames?: { type: number; value?: string; ip?: string }[] } | null;
  const names = ext?.altNames ?? [];
  return { ips: names.filter((n) => n.type === 7).map((n) => n.ip ?? ''), dns: names.filter((n) => n.type === 2).map((n) => n.value ?? '') };
}

/**
 * Loads the PKI from `dir`, creating what is missing. A serving certificate that lacks one of the
 * wanted SANs (the node got a new address) is re-issued by the same CA, so clients keep trusting it.
 */
export function ensurePki(opts: PkiOptions): Pki {
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const p = (n: string) => join(opts.dir, n);
  if (!existsSync(p('ca.crt')) || !existsSync(p('ca.key'))) {
    const ca = newKeyPair();
    const caCert = makeCertificate({ subjectCN: 'svcnet-ca', publicKey: ca.publicKey, signer: ca.forgeKey, isCA: true, years: 10 });
    writeFileSync(p('ca.crt'), forge.pki.certificateToPem(caCert));
    writeSecret(p('ca.key'), ca.pem);
  }
  const caCertPem = readFileSync(p('ca.crt'), 'utf8');
  let needServing = !existsSync(p('apiserver.crt')) || !existsSync(p('apiserver.key'));
  if (!needServing) {
    const have = certSANs(readFileSync(p('apiserver.crt'), 'utf8'));
    needServing = opts.ipSANs.some((ip) => !have.ips.includes(ip)) || opts.dnsSANs.some((d) => !have.dns.includes(d));
  }
  if (needServing) {
    const caKey = forge.pki.privateKeyFromPem(readFileSync(p('ca.key'), 'utf8')) as forge.pki.rsa.PrivateKey;
    const caCert = forge.pki.certificateFromPem(caCertPem);
    const kp = newKeyPair();
    const cert = makeCertificate({ subjectCN: 'kube-apiserver', publicKey: kp.publicKey, signer: caKey, issuer: caCert, isCA: false, years: 5, ipSANs: opts.ipSANs, dnsSANs: opts.dnsSANs });
    writeFileSync(p('apiserver.crt'), forge.pki.certificateToPem(cert));
    writeSecret(p('apiserver.key'), kp.pem);
  }
  if (!existsSync(p('admin.token'))) writeSecret(p('admin.token'), randomBytes(32).toString('base64url') + '\n');
  return {
    caCert: caCertPem,
    serverCert: readFileSync(p('apiserver.crt'), 'utf8'),
    serverKey: readFileSync(p('apiserver.key'), 'utf8'),
    adminToken: readFileSync(p('admin.token'), 'utf8').trim(),
  };
}
