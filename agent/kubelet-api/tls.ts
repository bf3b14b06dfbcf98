/**
 * The kubelet API's self-signed serving certificate (like a kubelet without --tls-cert-file):
 * RSA key from Node's crypto, certificate assembled by node-forge, kept in <agent-dir>/pki/ and
 * re-made when the node's name or address changed.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export interface ServingCert {
  cert: string;
  key: string;
}

function makeSelfSigned(nodeName: string, ips: string[]): ServingCert {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'pkcs1', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: `${nodeName}@svcnet-agent` }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...[nodeName, 'localhost'].map((value) => ({ type: 2, value })), ...ips.map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: privateKey };
}

export function ensureServingCert(dir: string, nodeName: string, ips: string[]): ServingCert {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const certPath = join(dir, 'kubelet.crt');
  const keyPath = join(dir, 'kubelet.key');
  const idPath = join(dir, 'kubelet.for');
  const id = JSON.stringify([nodeName, ...ips]);
  if (existsSync(certPath) && existsSync(keyPath) && existsSync(idPath) && readFileSync(idPath, 'utf8') === id) {
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  }
  const made = makeSelfSigned(nodeName, ips);
  writeFileSync(certPath, made.cert);
  writeFileSync(keyPath, made.key, { mode: 0o600 });
  writeFileSync(idPath, id);
  return made;
}
