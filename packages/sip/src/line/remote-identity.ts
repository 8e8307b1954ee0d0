import { decodeComponent } from '@callhook/core';
import { Grammar, type Core } from 'sip.js';

/** Who is calling, as Action URLs report it: `<$remote_party>` and the display name in `<$remote_alias>`. */
export interface RemoteIdentity {
  /** The number or user; empty when none was delivered (anonymous, or a URI without a user part). */
  party: string;
  name: string | null;
  /** The header the identity came from. */
  source: 'P-Asserted-Identity' | 'Remote-Party-ID' | 'From';
}

interface NameAddr {
  name: string | null;
  party: string;
  params: string;
}

/**
 * The caller of an incoming INVITE. A network-asserted identity is preferred, as desk phones do:
 * P-Asserted-Identity (RFC 3325 §9.1), then Remote-Party-ID (draft-ietf-sip-privacy-04, still sent by
 * many PBXs) with `party=calling`, then From. An asserted identity is not used when the caller asked
 * for privacy (`Privacy: id`/`header`, RFC 3323 §4.2; `privacy=full|uri` on Remote-Party-ID).
 */
export function remoteIdentity(request: Core.IncomingRequestMessage): RemoteIdentity {
  const privacy = (request.getHeaders('privacy') ?? []).join(';').toLowerCase();
  const identityHidden = /\b(id|header)\b/.test(privacy);
  if (!identityHidden) {
    for (const value of request.getHeaders('p-asserted-identity') ?? []) {
      const asserted = parseNameAddr(value);
      if (asserted?.party) return { party: asserted.party, name: asserted.name, source: 'P-Asserted-Identity' };
    }
    for (const value of request.getHeaders('remote-party-id') ?? []) {
      const rpid = parseNameAddr(value);
      if (!rpid?.party) continue;
      const param = (name: string) => new RegExp(`;\\s*${name}\\s*=\\s*([^;\\s]+)`, 'i').exec(rpid.params)?.[1]?.toLowerCase();
      if ((param('party') ?? 'calling') !== 'calling' || ['full', 'uri'].includes(param('privacy') ?? '')) continue;
      return { party: rpid.party, name: param('privacy') === 'name' ? null : rpid.name, source: 'Remote-Party-ID' };
    }
  }
  const from = parseNameAddr(request.getHeader('from') ?? '');
  return { party: from?.party ?? '', name: from?.name ?? null, source: 'From' };
}

/**
 * A name-addr or addr-spec (RFC 3261 §25.1) reduced to display name and party. sip: and sips: URIs
 * give their user part without user parameters (`+4930123457;cpc=ordinary` → `+4930123457`), percent-
 * decoded; a URI with only a host gives no party. tel: URIs (RFC 3966) give the number without
 * parameters and visual separators. Undefined when the value does not parse.
 */
export function parseNameAddr(value: string): NameAddr | undefined {
  const tel = /^\s*(?:("(?:[^"\\]|\\.)*")|([^<"]*?))\s*<?\s*tel:([^;>\s]+)([^>]*)>?(.*)$/i.exec(value);
  if (tel) {
    const number = (decodeComponent(tel[3]!) ?? tel[3]!).replace(/[-.()]/g, '');
    return { name: displayName(tel[1] ?? tel[2] ?? ''), party: number, params: tel[5] ?? '' };
  }
  const parsed = Grammar.nameAddrHeaderParse(value);
  if (!parsed) return undefined;
  const user = parsed.uri.user;
  const party = user === undefined ? '' : (decodeComponent(user.split(';')[0]!) ?? user.split(';')[0]!);
  const params = Object.entries(parsed.parameters)
    .map(([name, v]) => `;${name}${v === null ? '' : `=${String(v)}`}`)
    .join('');
  return { name: displayName(parsed.displayName ?? ''), party, params };
}

/** A display name with its quotes and quoted-pair escapes removed (RFC 3261 §25.1 quoted-string). */
function displayName(raw: string): string | null {
  let name = raw.trim();
  if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) name = name.slice(1, -1);
  name = name.replace(/\\(.)/g, '$1').trim();
  return name === '' ? null : name;
}
