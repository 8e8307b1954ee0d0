import type { InboundAction, MaskedInboundSettings } from '@callhook/core';

const EXAMPLE_PARAMS: Record<InboundAction, string> = {
  make_call: 'action=make_call&target=123',
  answer: 'action=answer',
  hangup: 'action=hangup',
  hold: 'action=hold',
  unhold: 'action=unhold',
  transfer: 'action=transfer&target=123',
  dtmf: 'action=dtmf&digits=1',
};

/** A listen address as a URL host: IPv6 in brackets; the wildcards become loopback you can click. */
export function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

export interface ExampleUrl {
  action: InboundAction;
  address: string;
  family: 'IPv4' | 'IPv6';
  url: string;
}

/** What an example URL shows in place of a token the page does not show. */
export const TOKEN_PLACEHOLDER = '<your token>';

/**
 * One ready-to-copy URL per enabled action and listen address. When the listener has a token, the
 * URLs carry `token=<your token>`, or `shownToken` (percent-encoded) when the user asked to see it:
 * the page never prints the token unasked.
 */
export function exampleUrls(inbound: MaskedInboundSettings, shownToken: string | null = null): ExampleUrl[] {
  const token = inbound.token === null ? '' : `&token=${shownToken ? encodeURIComponent(shownToken) : TOKEN_PLACEHOLDER}`;
  const enabled = (Object.keys(EXAMPLE_PARAMS) as InboundAction[]).filter((action) => inbound.actions[action]);
  return enabled.flatMap((action) =>
    inbound.listen.map((address) => ({
      action,
      address,
      family: address.includes(':') ? ('IPv6' as const) : ('IPv4' as const),
      url: `http://${urlHost(address)}:${inbound.port}/?${EXAMPLE_PARAMS[action]}${token}`,
    })),
  );
}

/** 32 random bytes as base64url: a token well above the schema's 16-character minimum. */
export function generateToken(random: (bytes: Uint8Array) => void = (bytes) => crypto.getRandomValues(bytes)): string {
  const bytes = new Uint8Array(32);
  random(bytes);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
