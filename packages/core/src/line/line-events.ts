import type { CallQuality } from '../call/snapshot.js';
/**
 * What a line reports and what it is told to do. Line call ids are the line's own; for calls the
 * engine places, the line uses the call GUID the engine passes in `make_call`.
 */
/**
 * Why a line says a call ended. `answered_elsewhere`: another device took the call (RFC 3326
 * `Reason: SIP;cause=200` on a CANCEL); `forwarded`: redirected before it was answered (3xx);
 * `transferred`: handed to a third party. `dispositionOf` turns cause and history into a disposition.
 */
export type EndCause = 'normal' | 'busy' | 'rejected' | 'no_answer' | 'failed' | 'transferred' | 'answered_elsewhere' | 'forwarded';
export type Party = 'local' | 'remote';

/** What a line with real media reports with `ended`: the call's quality and whether it was recorded. */
export interface CallMedia {
  quality: CallQuality;
  recorded: boolean;
}

export interface PartyInfo {
  /** Phone number or SIP user part of the remote party. */
  remoteParty: string;
  /** Display name delivered by the remote party, if any. */
  remoteName?: string | null;
  /** SIP URI of the local party (hardware mode: user@domain). */
  localParty: string;
  /** Display name of the local party, if any. */
  localName?: string | null;
}

export type LineEvent =
  | ({ type: 'incoming'; lineCallId: string } & PartyInfo)
  | ({ type: 'outgoing'; lineCallId: string } & PartyInfo)
  | { type: 'alerting'; lineCallId: string }
  | { type: 'answered'; lineCallId: string }
  | { type: 'held'; lineCallId: string; by: Party }
  | { type: 'resumed'; lineCallId: string; by: Party }
  | { type: 'ended'; lineCallId: string; by: Party; cause: EndCause; detail?: string; media?: CallMedia }
  /**
   * The live media quality of an answered call with real media (softphone mode): the figures so far,
   * cumulative from the answer (RFC 3550 §6.4.1), as `ended` would carry them now. Sent periodically
   * between `answered` and `ended` (the SIP line: every `QUALITY_REPORT_MS`, the RFC 3550 §6.2 RTCP
   * interval). Not a call-state change: the engine folds it into the call's snapshot and fires no Action URL.
   */
  | { type: 'quality'; lineCallId: string; quality: CallQuality }
  | { type: 'status'; status: LineStatus };

export type LineState = 'starting' | 'ready' | 'registering' | 'unregistered' | 'failed' | 'stopped';

export interface LineStatus {
  state: LineState;
  /** Human-readable reason, e.g. "registered at 127.0.0.1:5060" or "401 from registrar". */
  detail: string;
}

export type LineCommand =
  | { type: 'make_call'; callId: string; target: string }
  | { type: 'answer'; lineCallId: string }
  | { type: 'hangup'; lineCallId: string }
  | { type: 'hold'; lineCallId: string }
  | { type: 'unhold'; lineCallId: string }
  | { type: 'transfer'; lineCallId: string; target: string }
  | { type: 'dtmf'; lineCallId: string; digits: string };
