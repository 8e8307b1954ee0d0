import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { SipError } from '../errors.js';

/** OpenSSL verification results that mean "issued by a CA this line does not trust". */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/**
 * Checks the server certificate of a finished TLS handshake (RFC 5246 §7.4.2 / RFC 8446 §4.4.2): chain to a
 * trusted CA and validity dates (OpenSSL's verdict), then that it names `serverName` in subjectAltName
 * (RFC 5922 §7.2, RFC 6125 as Node's `checkServerIdentity` applies it). Returns the refusal as a SipError
 * (`tls_certificate`) whose message names the certificate, what is wrong and the fix; undefined when the
 * certificate is good. Nothing may be written to the socket before this returned undefined.
 */
export function verifyServerCertificate(socket: TLSSocket, serverName: string): SipError | undefined {
  const certificate = socket.getPeerCertificate();
  const described = `the certificate of ${serverName} (${describe(certificate)})`;
  if (!socket.authorized) {
    const error = socket.authorizationError as unknown;
    const code = typeof error === 'string' ? error : ((error as { code?: string } | null)?.code ?? String(error));
    if (code === 'CERT_HAS_EXPIRED') {
      return new SipError(
        'tls_certificate',
        `${described} expired on ${certificate.valid_to}: the PBX must renew its certificate (and check this machine's clock)`,
      );
    }
    if (code === 'CERT_NOT_YET_VALID') {
      return new SipError('tls_certificate', `${described} is not valid before ${certificate.valid_from}: check this machine's clock`);
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return nameMismatch(described, serverName);
    if (UNTRUSTED.has(code)) {
      return new SipError(
        'tls_certificate',
        `${described} is not trusted (${code}): its issuer is in neither the system trust store nor line.tls.caFile; set line.tls.caFile to the PBX's CA certificate (PEM)`,
      );
    }
    return new SipError('tls_certificate', `${described} was refused (${code})`);
  }
  return checkServerIdentity(serverName, certificate) ? nameMismatch(described, serverName) : undefined;
}

function nameMismatch(described: string, serverName: string): SipError {
  return new SipError(
    'tls_certificate',
    `${described} does not name ${serverName}: set line.registrar (or line.outboundProxy) to a host name the certificate lists, or line.tls.serverName`,
  );
}

/** `CN=pbx.example.com, names DNS:pbx.example.com, issued by CN=Example CA, valid until …` */
function describe(certificate: PeerCertificate): string {
  if (!certificate || Object.keys(certificate).length === 0) return 'none presented';
  const parts = [`CN=${certificate.subject?.CN ?? '?'}`];
  if (certificate.subjectaltname) parts.push(`names ${certificate.subjectaltname}`);
  parts.push(`issued by CN=${certificate.issuer?.CN ?? '?'}`, `valid until ${certificate.valid_to}`);
  return parts.join(', ');
}
