import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { SipError } from '../errors.js';

/** Where Linux distributions and macOS keep the system's CA bundle (RFC 5246 §7.4.2 leaves trust to the client). */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem', '/etc/ssl/ca-bundle.pem'];

/** TLS client material of a line: trusted CAs, and an optional client certificate with its key (PEM). */
export interface TlsClientMaterial {
  ca: string[];
  cert?: string;
  key?: string;
}

/** File settings of a TLS line (`line.tls`). */
export interface TlsFileSettings {
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}

/**
 * The CAs a TLS line trusts: the system trust store (Node's `tls.getCACertificates('system')` where it
 * exists, else `SSL_CERT_FILE` or the distribution's bundle file), Node's bundled Mozilla roots, and
 * `line.tls.caFile` when set — plus the client certificate and key. Throws a SipError naming the field and
 * the fix when a file cannot be read or holds no PEM certificate or key.
 */
export function loadTlsMaterial(settings: TlsFileSettings, env: NodeJS.ProcessEnv = process.env): TlsClientMaterial {
  const ca = [...systemCertificates(env), ...tls.rootCertificates];
  if (settings.caFile) ca.push(readPem(settings.caFile, 'line.tls.caFile', 'CERTIFICATE', "the PBX's CA certificate"));
  const material: TlsClientMaterial = { ca };
  if (settings.certFile) material.cert = readPem(settings.certFile, 'line.tls.certFile', 'CERTIFICATE', 'this line’s client certificate');
  if (settings.keyFile) material.key = readPem(settings.keyFile, 'line.tls.keyFile', 'PRIVATE KEY', 'the client certificate’s private key');
  return material;
}

function systemCertificates(env: NodeJS.ProcessEnv): string[] {
  const fromNode = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  if (fromNode) return fromNode('system');
  for (const file of [env.SSL_CERT_FILE, ...SYSTEM_BUNDLES]) {
    if (!file) continue;
    try {
      return [readFileSync(file, 'utf8')];
    } catch {
      // the next candidate
    }
  }
  return [];
}

function readPem(file: string, field: string, label: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SipError(
      'tls_settings',
      `${field}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give the path of ${what} in PEM`,
    );
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(text)) {
    throw new SipError('tls_settings', `${field}: ${file} holds no PEM ${label.toLowerCase()}; give the path of ${what} in PEM`);
  }
  return text;
}
