import { ExpectedError, type Clock, type Logger, type Random } from '@callhook/core';
import type { RetransmitTimers } from '../transport/retransmitter.js';
import type { CstaEdition } from './csta-namespaces.js';

/** Where and how callhook opens the CSTA session with one phone. */
export interface CstaSessionOptions {
  /**
   * The phone's SIP URI, the Request-URI of the CSTA INVITE (ECMA TR/87 §7.1), e.g.
   * `sip:455455@192.0.2.10:5060`. Snom accepts the INVITE on an identity when `csta_control` is on;
   * whether a phone accepts it from a non-registrar is unverified on real devices.
   */
  phoneUri: string;
  /** The device to monitor (MonitorStart `deviceObject`, ECMA TR/87 §7.3); default: `phoneUri`. */
  device?: string;
  /** Our own SIP URI (From of the INVITE); default `sip:callhook@<bindAddress>`. */
  localUri?: string;
  /** Local address to bind the SIP socket to (loopback in tests). */
  bindAddress: string;
  /** Local port (0 = any free port). */
  port?: number;
  transport?: 'udp' | 'tcp';
  /**
   * Digest credentials for a phone that challenges the CSTA INVITE or every CSTA request (Snom
   * `csta_challenge` 1 or 2, checked against the identity's `user_pass`/`user_hash`).
   */
  username?: string;
  password?: string;
  /**
   * The ECMA-323 edition of the first request (default `ed3`); later requests are written in the
   * edition the phone answered in (Snom answers ed5). Set to force one edition throughout.
   */
  edition?: CstaEdition;
  forceEdition?: boolean;
  /** How long a request may wait for the phone's answer (default 10 s). */
  requestTimeoutMs?: number;
  /** How long the session-opening INVITE may wait for a final answer (default 15 s). */
  connectTimeoutMs?: number;
  /** Interval of the RequestSystemStatus keep-alive that notices a phone gone silent (default 60 s; 0 = off). */
  keepAliveMs?: number;
  /** Re-open back-off: first delay and cap (default 2 s doubling up to 5 min, each with ±25 % jitter). */
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
}

/** The ports a CstaSession runs on; each defaults to the system's. */
export interface CstaSessionDeps {
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** Shorter RFC 3261 UDP retransmission timers for tests. */
  timers?: RetransmitTimers;
}

/**
 * Where the session stands:
 * - `connecting`: INVITE or MonitorStart under way;
 * - `up`: dialog confirmed and the device monitored; requests may be sent, events arrive;
 * - `refused`: the phone answered the INVITE (or MonitorStart) with a refusal — `statusCode` is
 *   the SIP status (401/403/488 …) or absent when the refusal was a CSTA error;
 * - `lost`: the phone went away (no answer, BYE, keep-alive failed); a re-open is scheduled;
 * - `stopped`: `stop()` was called (or `start()` never was).
 * `retryAt` (clock time) says when the next attempt starts, for `refused` and `lost`.
 */
export interface CstaSessionStatus {
  state: 'stopped' | 'connecting' | 'up' | 'refused' | 'lost';
  detail: string;
  statusCode?: number;
  retryAt?: number;
}

/**
 * Why a request failed:
 * - `csta_error`: the phone answered with a negative response (`CSTAErrorCode`, see `category`/`value`);
 * - `sip_error`: the phone answered the INFO with a SIP error status (`statusCode`);
 * - `timeout`: no answer within `requestTimeoutMs`;
 * - `not_up`: the session is not up;
 * - `bad_response`: the answer was not the expected CSTA response (unreadable, or another service's);
 * - `bad_request`: the request itself has a bad field (see the CstaXmlError in the message).
 */
export type CstaRequestErrorCode = 'csta_error' | 'sip_error' | 'timeout' | 'not_up' | 'bad_response' | 'bad_request';

/** A request the phone did not carry out. */
export class CstaRequestError extends ExpectedError {
  constructor(
    readonly code: CstaRequestErrorCode,
    message: string,
    readonly details: { statusCode?: number; category?: string; value?: string } = {},
  ) {
    super(message);
    this.name = 'CstaRequestError';
  }
}
