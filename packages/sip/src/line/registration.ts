import type { Clock, LineStatus, Logger, TimerHandle } from '@callhook/core';
import { Registerer, RegistererState, type URI, type UserAgent } from 'sip.js';
import { isLocalResponse } from './end-cause.js';
import { delay } from './with-timeout.js';

export interface RegistrationOptions {
  registrar: URI;
  registrarText: string;
  expires: number;
  clock: Clock;
  logger: Logger;
  /** After a failed or lapsed registration, try again this much later. */
  retryMs: number;
  onStatus: (status: LineStatus) => void;
  /** Runs before each REGISTER (TLS: opens the connection and puts its port into the Contact); a rejection fails the attempt with its message. */
  prepare?: () => Promise<void>;
  /** Why the transport could not reach the registrar, if it knows (TLS: the certificate and the fix). */
  transportFailure?: () => string | undefined;
}

const UNREGISTER_TIMEOUT_MS = 3_000;
/** Re-registration after a lost connection: at once, then 1 s doubling to 60 s while it keeps failing. */
const RECONNECT_FIRST_MS = 1_000;
const RECONNECT_MAX_MS = 60_000;

/**
 * REGISTER with digest through sip.js's Registerer (which refreshes before expiry), reported as line
 * statuses. sip.js gives up after a failure; this class retries, so a PBX restart heals by itself.
 */
export class Registration {
  private readonly registerer: Registerer;
  private stopping = false;
  private failed = false;
  private retryTimer: TimerHandle | null = null;
  private reconnects = 0;

  constructor(
    userAgent: UserAgent,
    private readonly options: RegistrationOptions,
  ) {
    this.registerer = new Registerer(userAgent, { registrar: options.registrar, expires: options.expires, refreshFrequency: 90 });
    this.registerer.stateChange.addListener((state) => this.onState(state));
  }

  async start(): Promise<void> {
    this.failed = false;
    this.options.onStatus({ state: 'registering', detail: `registering at ${this.options.registrarText}` });
    try {
      await this.options.prepare?.();
      // Registering again while sip.js still counts us registered (after a lost connection) changes no
      // state, so its acceptance is reported here.
      const again = this.registerer.state === RegistererState.Registered;
      await this.registerer.register({
        requestDelegate: {
          onReject: (response) => this.onRejected(response.message),
          onAccept: () => {
            if (again) queueMicrotask(() => this.onState(RegistererState.Registered));
          },
        },
      });
    } catch (error) {
      this.options.logger.log('warn', 'REGISTER could not be sent', { error: (error as Error).message });
      this.fail(`cannot register at ${this.options.registrarText}: ${(error as Error).message}`);
    }
  }

  /**
   * Unregisters, bounded in time: a dead registrar must not hold up shutdown. Not registered, it
   * waits (as long) only for a REGISTER still in flight — one the registrar may yet accept, which
   * sip.js then undoes — and not at all once the registrar has failed to answer: sip.js alone would
   * wait out the whole transaction (32 s) before letting go.
   */
  async stop(): Promise<boolean> {
    const knownDead = this.failed;
    this.stopping = true;
    this.cancelRetry();
    if (this.registerer.state !== RegistererState.Registered) {
      const disposed = this.registerer.dispose().catch(() => undefined);
      if (!knownDead) await Promise.race([disposed, delay(this.options.clock, UNREGISTER_TIMEOUT_MS)]);
      return false;
    }
    const done = new Promise<boolean>((resolve) => {
      this.registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Unregistered) resolve(true);
      });
    });
    const unregistered = await Promise.race([
      this.registerer.unregister().then(() => done),
      delay(this.options.clock, UNREGISTER_TIMEOUT_MS).then(() => false),
    ]).catch(() => false);
    // Unanswered, the un-REGISTER has had its time: sip.js would wait out its transaction first.
    const disposed = this.registerer.dispose().catch(() => undefined);
    if (unregistered) await disposed;
    return unregistered;
  }

  private onRejected(message: { statusCode?: number; reasonPhrase?: string; hasHeader(name: string): boolean }): void {
    const where = this.options.registrarText;
    let detail = `${message.statusCode} from registrar (${message.reasonPhrase})`;
    if (isLocalResponse(message)) {
      const why = this.options.transportFailure?.();
      detail = message.statusCode === 408 ? `no response from registrar ${where}` : `cannot reach registrar ${where}${why ? `: ${why}` : ''}`;
    }
    this.fail(detail);
  }

  /**
   * The connection to the registrar was lost (RFC 5626 §4.4: a flow failed): register again at once over a
   * new one, so the registrar learns the new Contact; failures then retry on the usual schedule.
   */
  reconnect(): void {
    if (this.stopping) return;
    this.cancelRetry();
    // A connection that keeps dropping before the registrar accepts us (e.g. it refuses our client
    // certificate after the handshake) must not loop: each reconnect without a registration in between waits longer.
    const wait = this.reconnects === 0 ? 0 : Math.min(RECONNECT_FIRST_MS * 2 ** (this.reconnects - 1), RECONNECT_MAX_MS);
    this.reconnects++;
    this.options.onStatus({ state: 'registering', detail: `connection to registrar ${this.options.registrarText} lost; registering again` });
    this.retryTimer = this.options.clock.setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopping) void this.start();
    }, wait);
  }

  private fail(detail: string): void {
    if (this.stopping) return;
    this.failed = true;
    this.options.onStatus({ state: 'failed', detail });
    this.scheduleRetry();
  }

  private onState(state: RegistererState): void {
    if (this.stopping) return;
    if (state === RegistererState.Registered) {
      this.failed = false;
      this.reconnects = 0;
      this.cancelRetry();
      this.options.onStatus({ state: 'ready', detail: `registered at ${this.options.registrarText}` });
    } else if (state === RegistererState.Unregistered) {
      // sip.js leaves Registered before it calls onReject: let a rejection speak first.
      queueMicrotask(() => {
        if (this.failed || this.stopping) return;
        this.options.onStatus({ state: 'unregistered', detail: `registration at ${this.options.registrarText} lapsed` });
        this.scheduleRetry();
      });
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.stopping) return;
    this.retryTimer = this.options.clock.setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopping) void this.start();
    }, this.options.retryMs);
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) this.options.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
