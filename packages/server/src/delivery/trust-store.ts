import tls from 'node:tls';

export type CaOption = string | Buffer | (string | Buffer)[];

type WithCaList = typeof tls & { getCACertificates?: (type: 'default') => string[] };

/** The CAs Node trusts when no `ca` option is given (Mozilla's, plus NODE_EXTRA_CA_CERTS where Node can list them). */
function defaultCertificates(): readonly string[] {
  const withList = tls as WithCaList;
  return typeof withList.getCACertificates === 'function' ? withList.getCACertificates('default') : tls.rootCertificates;
}

/**
 * Node's `ca` option replaces the default trust store; callhook's `ca` option adds to it, so a
 * private CA for one receiver does not make every public https receiver fail. Undefined keeps Node's default.
 */
export function trustedCertificates(extra: CaOption | undefined): (string | Buffer)[] | undefined {
  if (extra === undefined) return undefined;
  const added = Array.isArray(extra) ? extra : [extra];
  if (added.length === 0) return undefined;
  return [...defaultCertificates(), ...added];
}
