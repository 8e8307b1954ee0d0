import type { Core } from 'sip.js';
import { type URI, type UserAgent } from 'sip.js';
import { isLocalResponse } from '../line/end-cause.js';

/** The content type of CSTA XML in SIP (ECMA TR/87 §7). */
export const CSTA_CONTENT_TYPE = 'application/csta+xml';
/** sipe and ECMA TR/87 mark CSTA bodies as signalling the peer must process. */
const CONTENT_DISPOSITION = 'signal;handling=required';

/** A SIP final answer as the CSTA layer needs it. */
export interface SipAnswer {
  statusCode: number;
  reasonPhrase: string;
  /** The body when it is CSTA XML (another type, or none: undefined). */
  body: string | undefined;
  /** True when sip.js made the answer up (408 timeout, 503 transport error): the phone never answered. */
  local: boolean;
  /** The session interval the phone asks for (RFC 4028 `Session-Expires`, seconds), if any. */
  sessionExpiresS: number | undefined;
}

/** What the dialog hands up: the phone's INFOs (events) and its BYE. */
export interface CstaDialogHandlers {
  onInfo(request: Core.IncomingInfoRequest): void;
  onBye(): void;
}

function answerOf(message: Core.IncomingResponseMessage): SipAnswer {
  const contentType = message.getHeader('Content-Type')?.split(';')[0]?.trim().toLowerCase();
  const body = contentType === CSTA_CONTENT_TYPE && message.body ? message.body : undefined;
  const expires = Number.parseInt(message.getHeader('Session-Expires') ?? '', 10);
  return {
    statusCode: message.statusCode ?? 0,
    reasonPhrase: message.reasonPhrase ?? '',
    body,
    local: isLocalResponse(message),
    sessionExpiresS: Number.isFinite(expires) && expires > 0 ? expires : undefined,
  };
}

function cstaBody(xml: string): Core.Body {
  return { contentDisposition: 'signal', contentType: CSTA_CONTENT_TYPE, content: xml };
}

/** The confirmed SIP dialog of a CSTA session: INFO out, BYE out (sip.js core session underneath). */
export class CstaDialog {
  private ended = false;

  constructor(
    private readonly session: Core.Session,
    private readonly contact: string,
  ) {}

  /**
   * Refreshes the session with a re-INVITE carrying `xml` (RFC 4028 session timer, as sipe does
   * before `Session-Expires` runs out); resolves with the final answer, whatever it is.
   */
  refresh(xml: string): Promise<SipAnswer> {
    return new Promise((resolve) => {
      try {
        this.session.invite(
          {
            onAccept: (response) => {
              response.ack();
              resolve(answerOf(response.message));
            },
            onReject: (response) => resolve(answerOf(response.message)),
            onRedirect: (response) => resolve(answerOf(response.message)),
          },
          { body: cstaBody(xml), extraHeaders: [`Contact: ${this.contact}`, `Content-Disposition: ${CONTENT_DISPOSITION}`] },
        );
      } catch (error) {
        resolve({ statusCode: 491, reasonPhrase: `cannot refresh: ${(error as Error).message}`, body: undefined, local: true, sessionExpiresS: undefined });
      }
    });
  }

  /** Sends `xml` in an INFO (ECMA TR/87 §7.2); resolves with the final answer, whatever it is. */
  info(xml: string): Promise<SipAnswer> {
    return new Promise((resolve) => {
      const settle = (response: Core.IncomingResponse) => resolve(answerOf(response.message));
      try {
        this.session.info({ onAccept: settle, onReject: settle }, { body: cstaBody(xml), extraHeaders: [`Content-Disposition: ${CONTENT_DISPOSITION}`] });
      } catch (error) {
        resolve({ statusCode: 481, reasonPhrase: `cannot send INFO: ${(error as Error).message}`, body: undefined, local: true, sessionExpiresS: undefined });
      }
    });
  }

  /** Ends the dialog with BYE; resolves when the phone answered (or sip.js gave up). Never rejects. */
  bye(): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    return new Promise((resolve) => {
      try {
        this.session.bye({ onAccept: () => resolve(), onReject: () => resolve() });
      } catch {
        this.session.dispose();
        resolve();
      }
    });
  }

  /** Forgets the dialog without telling the phone (it is gone, or it sent BYE). */
  dispose(): void {
    this.ended = true;
    this.session.dispose();
  }
}

/** How the session-opening INVITE ended. */
export type InviteOutcome = { kind: 'accepted'; dialog: CstaDialog; answer: SipAnswer } | { kind: 'refused'; answer: SipAnswer };

/** An INVITE in flight: its outcome, and a way to give up on it. */
export interface PendingInvite {
  outcome: Promise<InviteOutcome>;
  /** Gives up (CANCEL); a 2xx arriving later is acknowledged and ended with BYE at once. */
  cancel(): void;
}

/**
 * Sends the CSTA INVITE (ECMA TR/87 §7.1): no SDP, `xml` as an `application/csta+xml` body with
 * `Content-Disposition: signal;handling=required`, `Supported: timer`. A 2xx is acknowledged at once
 * and its dialog handed up; sip.js answers a 401/407 with the configured digest credentials itself.
 */
export function sendCstaInvite(userAgent: UserAgent, target: URI, xml: string, handlers: CstaDialogHandlers): PendingInvite {
  const core = userAgent.userAgentCore;
  const contact = userAgent.contact.toString();
  const headers = [`Contact: ${contact}`, 'Allow: ACK, BYE, CANCEL, INFO, INVITE, OPTIONS', `Content-Disposition: ${CONTENT_DISPOSITION}`];
  const message = core.makeOutgoingRequestMessage('INVITE', target, core.configuration.aor, target, {}, headers, cstaBody(xml));
  let cancelled = false;
  let settled = false;
  let request: Core.OutgoingInviteRequest | undefined;
  const outcome = new Promise<InviteOutcome>((resolve) => {
    request = core.invite(message, {
      onAccept: (response) => {
        response.ack();
        const session = response.session;
        if (cancelled || settled) {
          new CstaDialog(session, contact).bye().catch(() => undefined);
          return;
        }
        settled = true;
        session.delegate = {
          onInfo: (info) => handlers.onInfo(info),
          onBye: (bye) => {
            bye.accept();
            handlers.onBye();
          },
          // The phone refreshing the session (RFC 4028) or re-targeting it: nothing to negotiate.
          onInvite: (reinvite) => {
            try {
              reinvite.accept();
            } catch {
              reinvite.reject({ statusCode: 488 });
            }
          },
        };
        resolve({ kind: 'accepted', dialog: new CstaDialog(session, contact), answer: answerOf(response.message) });
      },
      onReject: (response) => {
        if (settled) return;
        settled = true;
        resolve({ kind: 'refused', answer: answerOf(response.message) });
      },
      onRedirect: (response) => {
        if (settled) return;
        settled = true;
        resolve({ kind: 'refused', answer: answerOf(response.message) });
      },
    });
  });
  return {
    outcome,
    cancel: () => {
      if (cancelled || settled) return;
      cancelled = true;
      try {
        request?.cancel();
      } catch {
        // nothing was sent, or the transaction has ended: nothing to cancel
      }
    },
  };
}
