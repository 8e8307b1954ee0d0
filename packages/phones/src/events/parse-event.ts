import { decodeComponent } from '@callhook/core';
import { PHONE_EVENT_KINDS, type PhoneEvent, type PhoneEventKind } from '../driver.js';

/** The route of an event URL: `/phone/<secret>/<event>[/<name=value&…>][?<name=value&…>]`. */
export interface EventPath {
  secret: string;
  /** The rest after the secret, parsed by `parsePhoneEvent`. */
  rest: string;
}

/** Splits an event URL's path; null when it is not `/phone/<secret>/…`. */
export function splitEventPath(url: string): EventPath | null {
  const match = /^\/phone\/([A-Za-z0-9_-]{8,64})\/(.*)$/s.exec(url);
  return match ? { secret: match[1]!, rest: match[2]! } : null;
}

/**
 * Reads one event after the secret: the event name, then parameters from the query and (Grandstream,
 * whose Action URLs carry no `?`) from the path after the event name. Values are percent-decoded with
 * `+` kept (phones put `+49…` in unescaped). A value still reading `$name` is a variable the phone did
 * not expand and counts as absent. Returns an error string naming what is wrong instead of throwing.
 */
export function parsePhoneEvent(rest: string): PhoneEvent | string {
  const question = rest.indexOf('?');
  const path = question === -1 ? rest : rest.slice(0, question);
  const query = question === -1 ? '' : rest.slice(question + 1);
  const slash = path.indexOf('/');
  const kind = slash === -1 ? path : path.slice(0, slash);
  if (!(PHONE_EVENT_KINDS as readonly string[]).includes(kind))
    return `unknown phone event "${kind.slice(0, 40)}" (expected one of ${PHONE_EVENT_KINDS.join(', ')})`;
  const params = new Map<string, string>();
  for (const part of [slash === -1 ? '' : path.slice(slash + 1), query]) {
    for (const pair of part.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      const value = decodeComponent(eq === -1 ? '' : pair.slice(eq + 1));
      if (value === null) return `parameter "${name.slice(0, 40)}" has a malformed %-escape`;
      if (!params.has(name)) params.set(name, value);
    }
  }
  const read = (name: string): string | null => {
    const value = params.get(name)?.trim();
    return value && !value.startsWith('$') ? value : null;
  };
  return { kind: kind as PhoneEventKind, phoneCallId: read('callid'), remoteParty: partyOf(read('remote')), remoteName: read('display') };
}

/**
 * The number or user part of what a phone reports as the remote: `sip:420@example.com`,
 * `"Name" <sip:+4930123@pbx>`, `420` → `420`, `+4930123`. Null for nothing.
 */
export function partyOf(remote: string | null): string | null {
  if (!remote) return null;
  const angle = /<([^>]*)>/.exec(remote);
  let uri = (angle ? angle[1]! : remote).trim();
  uri = uri.replace(/^(sips?|tel):/i, '');
  const at = uri.indexOf('@');
  if (at !== -1) uri = uri.slice(0, at);
  const semi = uri.indexOf(';');
  if (semi !== -1) uri = uri.slice(0, semi);
  return uri === '' ? null : uri;
}
