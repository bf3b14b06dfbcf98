/**
 * The certificate served when no Secret matches the SNI name (ingress-nginx serves its "Kubernetes
 * Ingress Controller Fake Certificate" the same way instead of resetting the handshake). The key
 * comes from Node's native generator (fast); node-forge only builds and signs the X.509 body.
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface PemPair {
  cert: string;
  key: string;
}

export function generateSelfSigned(commonName = 'Kubernetes Ingress Controller Fake Certificate', dnsNames: string[] = ['ingress.local']): PemPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(8));
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 365 * 24 * 3600 * 1000);
  const attrs = [{ name: 'organizationName', value: 'Acme Co' }, { name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: dnsNames.map((value) => ({ type: 2, value })) },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: privateKey };
}
