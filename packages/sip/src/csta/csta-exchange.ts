import type { Clock, Logger } from '@callhook/core';
import { decodeCstaMessage } from './csta-decode.js';
import type { CstaDialog } from './csta-dialog.js';
import { encodeCstaRequest } from './csta-encode.js';
import type { CstaEdition } from './csta-namespaces.js';
import { CstaRequestError } from './csta-session-types.js';
import type { CstaMessage, CstaNegativeResponse, CstaPositiveResponse, CstaRequest, CstaResults, CstaService } from './csta-types.js';

/** Services whose positive response carries nothing: a 200 OK without a body counts as success. */
const EMPTY_RESULT: ReadonlySet<CstaService> = new Set(['AnswerCall', 'ClearConnection', 'HoldCall', 'RetrieveCall', 'GenerateDigits', 'MonitorStop']);

/** What the exchange needs from its session. */
export interface CstaExchangePorts {
  clock: Clock;
  logger: Logger;
  requestTimeoutMs: number;
  /** The edition to write requests in now. */
  edition(): CstaEdition;
  /** The phone answered in `edition`. */
  answeredIn(edition: CstaEdition): void;
}

interface Waiting {
  invokeId: number;
  service: CstaService;
  resolve: (message: CstaMessage) => void;
}

/**
 * Request/answer correlation of one CSTA session (ECMA TR/87 §7.2): each request goes in its own
 * INFO, its answer is the body of that INFO's 200 OK — or, when the 200 OK has none and the service
 * has a result, the phone's next INFO carrying the response. Each request is bounded by the request
 * timeout on the injected clock, numbered (`invokeId`, for logs) and failed at once by `rejectAll`.
 */
export class CstaExchange {
  private readonly pending = new Map<number, { service: CstaService; reject: (error: CstaRequestError) => void }>();
  private waiting: Waiting[] = [];
  private invokeCounter = 0;

  constructor(private readonly ports: CstaExchangePorts) {}

  /**
   * Sends `request` on `dialog` and resolves with its result. `onDialogGone` is called when the SIP
   * answer shows the dialog is dead (481, 408, or no answer from the network at all).
   */
  async send<R extends CstaRequest>(request: R, dialog: CstaDialog, onDialogGone: (detail: string) => void): Promise<CstaResults[R['service']]> {
    let xml: string;
    try {
      xml = encodeCstaRequest(request, this.ports.edition());
    } catch (error) {
      throw new CstaRequestError('bad_request', (error as Error).message);
    }
    const invokeId = ++this.invokeCounter;
    const service = request.service;
    this.ports.logger.log('debug', 'csta request', { invokeId, service });
    const answer = await this.within(dialog.info(xml), invokeId, service);
    if (answer.statusCode < 200 || answer.statusCode >= 300) {
      if (answer.statusCode === 481 || answer.statusCode === 408 || answer.local) onDialogGone(`${service} got ${answer.statusCode} ${answer.reasonPhrase}`);
      throw new CstaRequestError('sip_error', `${service}: ${answer.statusCode} ${answer.reasonPhrase} from the phone`, { statusCode: answer.statusCode });
    }
    if (answer.body === undefined) {
      if (EMPTY_RESULT.has(service)) return {} as CstaResults[R['service']];
      this.ports.logger.log('debug', 'csta answer not in the 200 OK: waiting for an INFO carrying it', { invokeId, service });
      const following = new Promise<CstaMessage>((resolve) => this.waiting.push({ invokeId, service, resolve }));
      return this.read(service, await this.within(following, invokeId, service)) as CstaResults[R['service']];
    }
    let message: CstaMessage;
    try {
      message = decodeCstaMessage(answer.body);
    } catch (error) {
      throw new CstaRequestError('bad_response', `${service}: unreadable answer: ${(error as Error).message}`);
    }
    return this.read(service, message) as CstaResults[R['service']];
  }

  /**
   * A response or CSTAErrorCode that came in an INFO: it answers the oldest request waiting for one
   * (of the same service; any, for an error). Returns false when none waits.
   */
  takeFollowingAnswer(message: CstaPositiveResponse | CstaNegativeResponse): boolean {
    const index = this.waiting.findIndex((waiting) => message.kind === 'error' || waiting.service === message.service);
    if (index === -1) return false;
    this.waiting.splice(index, 1)[0]!.resolve(message);
    return true;
  }

  /** Fails every request in flight with `not_up` (the session was lost, refused or stopped). */
  rejectAll(why: string): void {
    for (const [invokeId, pending] of [...this.pending]) {
      this.pending.delete(invokeId);
      pending.reject(new CstaRequestError('not_up', `${pending.service}: ${why}`));
    }
  }

  /** The result of `service` from the phone's answer, or the CstaRequestError it amounts to. */
  private read(service: CstaService, message: CstaMessage): CstaResults[CstaService] {
    if (message.kind === 'error') {
      throw new CstaRequestError('csta_error', `${service} refused by the phone: ${message.category} ${message.value}`, {
        category: message.category,
        value: message.value,
      });
    }
    if (message.kind !== 'response' || message.service !== service) {
      const got = message.kind === 'response' ? `${message.service}Response` : `${message.type}Event`;
      throw new CstaRequestError('bad_response', `${service}: the phone answered with ${got}`);
    }
    this.ports.answeredIn(message.edition);
    return message.result;
  }

  /** Races an answer with the request timeout; `rejectAll` ends it early. */
  private within<T>(answer: Promise<T>, invokeId: number, service: CstaService): Promise<T> {
    const { clock, requestTimeoutMs } = this.ports;
    return new Promise<T>((resolve, reject) => {
      const settle = () => {
        clock.clearTimeout(timer);
        this.pending.delete(invokeId);
        this.waiting = this.waiting.filter((waiting) => waiting.invokeId !== invokeId);
      };
      const timer = clock.setTimeout(() => {
        settle();
        reject(new CstaRequestError('timeout', `${service}: no answer from the phone within ${requestTimeoutMs / 1000} s`));
      }, requestTimeoutMs);
      this.pending.set(invokeId, {
        service,
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      answer.then(
        (value) => {
          settle();
          resolve(value);
        },
        (error: Error) => {
          settle();
          reject(new CstaRequestError('sip_error', `${service}: ${error.message}`));
        },
      );
    });
  }
}
