import type { Clock, Logger, Random } from '@callhook/core';
import { UserAgent } from 'sip.js';
import { advertisedAddress } from '../transport/advertised-address.js';
import { formatHost, type SipEndpoint } from '../transport/endpoint.js';
import { NodeSipTransport, type NodeSipTransportOptions } from '../transport/node-sip-transport.js';
import type { RetransmitTimers } from '../transport/retransmitter.js';
import { sipjsLogConnector } from '../line/sipjs-logger.js';

/** What the CSTA user agent is built from. */
export interface CstaUserAgentParts {
  localUri: string;
  endpoint: SipEndpoint;
  clock: Clock;
  random: Random;
  logger: Logger;
  timers?: RetransmitTimers;
  username?: string;
  password?: string;
}

/**
 * A sip.js UserAgent on the package's NodeSipTransport for a CSTA session (as the SIP line's
 * `createUserAgent`, without media): the session drives sip.js's core directly, since the CSTA
 * INVITE carries XML, not SDP. Digest credentials answer a phone's 401/407 (Snom `csta_challenge`).
 */
export function createCstaUserAgent(parts: CstaUserAgentParts): UserAgent {
  const { endpoint, clock, random, logger } = parts;
  const uri = UserAgent.makeURI(parts.localUri);
  if (!uri) throw new Error(`bad local URI ${parts.localUri}`);
  const advertised = advertisedAddress(endpoint.local.address);
  const transportOptions: NodeSipTransportOptions = { endpoint, clock, random, logger, ...(parts.timers ? { timers: parts.timers } : {}) };
  const userAgent = new UserAgent({
    uri,
    ...(parts.username !== undefined ? { authorizationUsername: parts.username } : {}),
    ...(parts.password !== undefined ? { authorizationPassword: parts.password } : {}),
    viaHost: formatHost(advertised),
    forceRport: true,
    contactName: uri.user ?? 'callhook',
    contactParams: { transport: endpoint.protocol.toLowerCase() },
    transportConstructor: NodeSipTransport,
    transportOptions,
    sessionDescriptionHandlerFactory: () => {
      throw new Error('a CSTA session carries no media');
    },
    logBuiltinEnabled: false,
    logConnector: sipjsLogConnector(logger),
    logLevel: 'warn',
    userAgentString: 'callhook',
    // ECMA TR/87 sessions are long-lived: the phone may run a session timer (RFC 4028), as sipe offers.
    sipExtensionExtraSupported: ['timer'],
    // Calls from the phone outside the CSTA dialog are not ours to take.
    delegate: { onInvite: (invitation) => void invitation.reject({ statusCode: 488 }).catch(() => undefined) },
  });
  userAgent.contact.uri.port = endpoint.local.port;
  return userAgent;
}
