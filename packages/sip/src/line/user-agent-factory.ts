import { maskCredentials, type Clock, type Logger, type Random } from '@callhook/core';
import type { SipLineSettings } from '../settings/sip-line-schema.js';
import { UserAgent, type Session, type UserAgentDelegate } from 'sip.js';
import type { CallAudio } from '../media/call-audio.js';
import type { RtpSocketPool } from '../rtp/socket-pool.js';
import type { CallMedia } from '../call-media-loader.js';
import { formatHost, type SipEndpoint } from '../transport/endpoint.js';
import { NodeSipTransport, type NodeSipTransportOptions } from '../transport/node-sip-transport.js';
import type { RetransmitTimers } from '../transport/retransmitter.js';
import { sipjsLogConnector } from './sipjs-logger.js';
import { userPart } from './target-uri.js';
import { firstHop } from './line-address.js';
import { routeDialogsTo } from './dialog-contact.js';

export interface UserAgentParts {
  settings: SipLineSettings;
  endpoint: SipEndpoint;
  /** The in-dialog socket (UDP, `line.dialogPort`): named in the Contact of INVITEs and their answers, not of REGISTER. */
  dialogEndpoint?: SipEndpoint;
  /** The address written into Via, Contact and SDP (see `chooseLineAddress`). */
  advertisedAddress: string;
  clock: Clock;
  random: Random;
  logger: Logger;
  timers?: RetransmitTimers;
  delegate: UserAgentDelegate;
  onRemoteHold: (session: Session, held: boolean) => void;
  /** Our offer's answer cannot be used (e.g. no SRTP key where `line.media.encryption` is `required`). */
  onAnswerRefused?: (session: Session, why: string) => void;
  /**
   * The media half (src/call-media.ts), loaded before sip.js asks for a call's SDP handler (the line
   * loads it before it takes an INVITE or places a call): kept out of this module's imports so that
   * registration and the transaction layer start without it.
   */
  media: () => CallMedia;
  /** The audio of a new call (prompt, hold music); default silence. */
  createAudio?: () => CallAudio;
  /** RTP/RTCP socket pairs reused across calls (bound on the endpoint's address); default: bound per call. */
  rtpSockets?: RtpSocketPool;
}

/**
 * A sip.js UserAgent wired for Node: our transport and SDP handler, Via/Contact fixed (docs/sip-in-node.md §4);
 * with a `dialogEndpoint`, the Contact of INVITEs and their answers names it (docs/sip-in-node.md §9).
 */
export function createUserAgent(parts: UserAgentParts): UserAgent {
  const { settings, endpoint, clock, random, logger } = parts;
  const uri = UserAgent.makeURI(settings.aor);
  if (!uri) throw new Error(maskCredentials(`bad address of record ${settings.aor}`));
  const user = userPart(settings.aor);
  const advertised = parts.advertisedAddress;
  const transportOptions: NodeSipTransportOptions = {
    endpoint,
    ...(parts.dialogEndpoint ? { dialogEndpoint: parts.dialogEndpoint } : {}),
    clock,
    random,
    logger,
    overload: settings.overload,
    ...(settings.registrar || settings.outboundProxy ? { outboundProxy: firstHop(settings) } : {}),
    ...(parts.timers ? { timers: parts.timers } : {}),
  };
  const userAgent = new UserAgent({
    uri,
    displayName: settings.displayName ?? '',
    authorizationUsername: settings.authUser ?? user,
    authorizationPassword: settings.password,
    viaHost: formatHost(advertised),
    forceRport: true,
    // The line sends its own 180 when a call rings (incoming-call.ts) and none when it answers at once;
    // sip.js's automatic one came first, so every ringing call got two.
    sendInitialProvisionalResponse: false,
    contactName: user,
    contactParams: { transport: endpoint.protocol.toLowerCase() },
    transportConstructor: NodeSipTransport,
    transportOptions,
    sessionDescriptionHandlerFactory: (session) =>
      new (parts.media().PlainSessionDescriptionHandler)({
        bindAddress: endpoint.local.address,
        advertisedAddress: advertised,
        clock,
        random,
        logger,
        onRemoteHold: (held) => parts.onRemoteHold(session, held),
        codecs: settings.media.codecs,
        ptimeMs: settings.media.ptime,
        encryption: settings.media.encryption,
        srtpSuites: settings.media.srtpSuites,
        onAnswerRefused: (why) => parts.onAnswerRefused?.(session, why),
        ...(parts.createAudio ? { createAudio: parts.createAudio } : {}),
        ...(parts.rtpSockets ? { sockets: parts.rtpSockets } : {}),
      }),
    logBuiltinEnabled: false,
    // sip.js JSON-stringifies every option for a "Configuration:" log line whether or not the line is kept —
    // with TLS that is the whole trust store in the transport options (~0.6 ms of every line's start).
    logConfiguration: false,
    logConnector: sipjsLogConnector(logger),
    logLevel: process.env.CALLHOOK_SIPJS_DEBUG ? 'debug' : 'warn',
    userAgentString: 'callhook',
    delegate: parts.delegate,
  });
  userAgent.contact.uri.port = endpoint.local.port;
  // A sips: AOR asks for TLS on every hop (RFC 3261 §19.1.1), so the Contact is sips: too.
  if (/^sips:/i.test(settings.aor)) userAgent.contact.uri.scheme = 'sips';
  if (parts.dialogEndpoint) routeDialogsTo(userAgent, parts.dialogEndpoint.local.port);
  return userAgent;
}
