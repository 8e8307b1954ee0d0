import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import * as tls from 'node:tls';
import { SipError } from '../errors.js';
import { BoundedMap } from './bounded-map.js';

/** Where Linux distributions and macOS keep the system's CA bundle (RFC 5246 §7.4.2 leaves trust to the client). */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem', '/etc/ssl/ca-bundle.pem'];

/** TLS client material of a line: trusted CAs, and an optional client certificate with its key (PEM). */
export interface TlsClientMaterial {
  ca: string[];
  /** Identifies the material (its sources and their modification times) so its TLS context is built once. */
  identity: string;
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
 * exists, else `SSL_CERT_FILE` or the distribution's bundle file; Node's bundled Mozilla roots when there is
 * none), and `line.tls.caFile` when set — plus the client certificate and key. Throws a SipError naming the
 * field and the fix when a file cannot be read or holds no PEM certificate or key.
 */
export function loadTlsMaterial(settings: TlsFileSettings, env: NodeJS.ProcessEnv = process.env): TlsClientMaterial {
  const system = systemCertificates(env);
  const ca = system.certificates.length > 0 ? [...system.certificates] : [...tls.rootCertificates];
  const hash = createHash('sha256').update(system.identity);
  const add = (file: string, field: string, label: string, what: string): string => {
    const pem = readPem(file, field, label, what);
    hash.update(`\0${field}\0${pem}`);
    return pem;
  };
  if (settings.caFile) ca.push(add(settings.caFile, 'line.tls.caFile', 'CERTIFICATE', "the PBX's CA certificate"));
  const material: TlsClientMaterial = { ca, identity: '' };
  if (settings.certFile) material.cert = add(settings.certFile, 'line.tls.certFile', 'CERTIFICATE', 'this line’s client certificate');
  if (settings.keyFile) material.key = add(settings.keyFile, 'line.tls.keyFile', 'PRIVATE KEY', 'the client certificate’s private key');
  material.identity = hash.digest('hex');
  return material;
}

let systemCache: { identity: string; certificates: readonly string[] } | undefined;

/** The system trust store, read once per process (and again when its bundle file changes). */
function systemCertificates(env: NodeJS.ProcessEnv): { identity: string; certificates: readonly string[] } {
  const fromNode = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  if (fromNode) {
    systemCache ??= { identity: 'node:system', certificates: fromNode('system') };
    return systemCache;
  }
  for (const file of [env.SSL_CERT_FILE, ...SYSTEM_BUNDLES]) {
    if (!file) continue;
    let identity: string;
    try {
      const stat = statSync(file);
      identity = `${file}@${stat.mtimeMs}:${stat.size}`;
      if (systemCache?.identity === identity) return systemCache;
      systemCache = { identity, certificates: [readFileSync(file, 'utf8')] };
      return systemCache;
    } catch {
      // the next candidate
    }
  }
  return { identity: 'none', certificates: [] };
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

const CONTEXTS = new BoundedMap<string, tls.SecureContext>(8);

/**
 * The TLS client context for `material` (TLS 1.2 minimum, RFC 8446 §4.2.1 / RFC 5246), built once per distinct
 * material and shared: parsing a system trust store takes a few hundred ms, far more than a handshake.
 */
export function secureContextFor(material: TlsClientMaterial): tls.SecureContext {
  const key = material.identity;
  let context = CONTEXTS.get(key);
  if (!context) {
    context = tls.createSecureContext({
      ca: material.ca,
      ...(material.cert ? { cert: material.cert } : {}),
      ...(material.key ? { key: material.key } : {}),
      minVersion: 'TLSv1.2',
    });
    CONTEXTS.set(key, context);
  }
  return context;
}
