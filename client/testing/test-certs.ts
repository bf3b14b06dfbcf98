/**
 * Throwaway certificates for TLS tests: a CA, a serving certificate for 127.0.0.1/localhost and
 * a client certificate, all signed by that CA. Keys come from Node's crypto (fast, native);
 * node-forge only builds and signs the certificates.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface KeyAndCert {
  keyPem: string;
  certPem: string;
}

export interface TestPki {
  ca: KeyAndCert;
  server: KeyAndCert;
  client: KeyAndCert;
}

function newKeyPair(): { keyPem: string; privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem);
  return { keyPem, privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function newCert(commonName: string, publicKey: forge.pki.rsa.PublicKey, extensions: object[]): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setExtensions(extensions);
  return cert;
}

function issue(ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }, commonName: string, extensions: object[]): KeyAndCert {
  const pair = newKeyPair();
  const cert = newCert(commonName, pair.publicKey, extensions);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.sign(ca.key, forge.md.sha256.create());
  return { keyPem: pair.keyPem, certPem: forge.pki.certificateToPem(cert) };
}

export function makeTestPki(): TestPki {
  const caPair = newKeyPair();
  const caCert = newCert('svcnet-test-ca', caPair.publicKey, [
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true },
  ]);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.sign(caPair.privateKey, forge.md.sha256.create());
  const ca = { cert: caCert, key: caPair.privateKey };
  const server = issue(ca, '127.0.0.1', [
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
  ]);
  const client = issue(ca, 'test-admin', [{ name: 'extKeyUsage', clientAuth: true }]);
  return { ca: { keyPem: caPair.keyPem, certPem: forge.pki.certificateToPem(caCert) }, server, client };
}
